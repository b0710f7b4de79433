import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import express, { NextFunction, Request, Response } from 'express';
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
  const root = join(__dirname, '..', 'web');
  const csp = contentSecurityPolicy(config);
  app.use(cookieParser());
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', csp);
    if (/^\/(api|auth)\//.test(req.path)) res.setHeader('Cache-Control', 'no-store');
    next();
  });
  if (!existsSync(join(root, 'index.html'))) return;
  app.use('/assets', express.static(join(root, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  app.use(express.static(root, { index: false, maxAge: '1h' }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || SERVER_PATHS.test(req.path)) return next();
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(join(root, 'index.html'));
  });
}
