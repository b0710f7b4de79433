import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The citizens' page: plain TypeScript, no framework, built into dist/apps/portal/web and served by the portal.
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  build: {
    outDir: here('../../../dist/apps/portal/web'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2019',
  },
});
