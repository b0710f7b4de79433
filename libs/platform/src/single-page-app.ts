import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';

export interface SinglePageApp {
  /** The built app (vite's output): index.html and assets/. Nothing is served when it is not built. */
  root: string;
  contentSecurityPolicy: string;
  /** Paths the server answers itself; every other GET is the app's (its client-side routes). */
  serverPaths: RegExp;
  /** Cache-Control of index.html. */
  indexCacheControl: 'no-store' | 'no-cache';
  /** Headers of one app only, set on every answer beside the common ones. */
  headers?: (req: Request, res: Response) => void;
}

/**
 * Security headers on every answer, then the built single-page app: hashed assets cached for a
 * year, other files for an hour, and index.html for every client-side route (the console's, the portal's).
 */
export function serveSinglePageApp(app: INestApplication, spa: SinglePageApp): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', spa.contentSecurityPolicy);
    spa.headers?.(req, res);
    next();
  });
  if (!existsSync(join(spa.root, 'index.html'))) return;
  app.use('/assets', express.static(join(spa.root, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  app.use(express.static(spa.root, { index: false, maxAge: '1h' }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || spa.serverPaths.test(req.path)) return next();
    res.setHeader('Cache-Control', spa.indexCacheControl);
    res.sendFile(join(spa.root, 'index.html'));
  });
}
