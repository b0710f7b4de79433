import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { serveSinglePageApp } from '@callcenter/platform';
import type { Express } from 'express';
import type { PortalConfig } from './portal.config';

/** Paths the single-page app never owns. */
const SERVER_PATHS = /^\/(api|health|metrics|docs|dev)(\/|$|-)/;

const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "style-src 'self'",
  "script-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Security headers, the client address behind trusted proxies, and the built page (dist/apps/portal/web). */
export function serveWebApp(app: INestApplication, config: PortalConfig): void {
  const express_ = app.getHttpAdapter().getInstance() as Express;
  express_.set('trust proxy', config.PORTAL_TRUSTED_PROXIES);
  express_.disable('x-powered-by');
  serveSinglePageApp(app, {
    root: join(__dirname, '..', 'web'),
    contentSecurityPolicy: CSP,
    serverPaths: SERVER_PATHS,
    indexCacheControl: 'no-cache',
    headers: (_req, res) => res.setHeader('Permissions-Policy', 'geolocation=(self), camera=(), microphone=()'),
  });
}
