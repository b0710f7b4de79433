import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import { serveSinglePageApp } from '@callcenter/platform';
import type { ConsoleConfig } from './console.config';

/** Paths the single-page app never owns. */
const SERVER_PATHS = /^\/(api|auth|health|metrics|docs)(\/|$|-)/;

function contentSecurityPolicy(config: ConsoleConfig): string {
  const tiles = config.MAP_TILE_URL ? new URL(config.MAP_TILE_URL.replace(/\{[a-z]\}/g, '0')).origin : '';
  return [
    "default-src 'self'",
    `img-src 'self' data: blob: ${tiles}`.trim(),
    `connect-src 'self' ${tiles}`.trim(),
    // MapLibre sets inline styles on its canvas and runs its parser in a blob worker.
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    "script-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * Cookies, security headers and the built single-page app (dist/apps/console/web). Personal data is
 * only ever in API answers, and none of them may be cached, so the back button after sign-out shows nothing.
 */
export function serveWebApp(app: INestApplication, config: ConsoleConfig): void {
  app.use(cookieParser());
  serveSinglePageApp(app, {
    root: join(__dirname, '..', 'web'),
    contentSecurityPolicy: contentSecurityPolicy(config),
    serverPaths: SERVER_PATHS,
    indexCacheControl: 'no-store',
    headers: (req, res) => {
      if (/^\/(api|auth)\//.test(req.path)) res.setHeader('Cache-Control', 'no-store');
    },
  });
}
