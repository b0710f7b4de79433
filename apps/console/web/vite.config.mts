import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The console's single-page app, built into dist/apps/console/web and served by the console itself.
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  resolve: {
    alias: { '@reference': here('../../../libs/contracts/src/reference-data.ts'), '@callcenter/api-client': here('../../../libs/api-client/src/index.ts') },
  },
  worker: { format: 'es' },
  build: {
    outDir: here('../../../dist/apps/console/web'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1600,
    rollupOptions: {
      // React Query marks its modules "use client" for server components; a browser bundle has none.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
