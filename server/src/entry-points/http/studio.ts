import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Mount } from './router';

/**
 * The studio page loads only this server's scripts, styles, fonts and workers and talks only to this server
 * (HTTP and socket.io: 'self' covers ws: of the same host); it may not be framed. Images may also be https URLs
 * (block images and avatars are https URLs or app paths). Inline styles are allowed: the agent editor's Monaco
 * renders its lines as HTML with style attributes and its theme as <style> elements (no nonce support). Scripts stay
 * 'self' only, with no eval: the DSL's schema validator is precompiled at build time for the editor's worker.
 */
export const STUDIO_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Paths that belong to the API and services: never answered with the app, so their 404s stay JSON. */
const SERVICE_PATH = /^\/(api|socket\.io|sandbox)(\/|$)|^\/(healthz|readyz)\/?$/;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>IONFLUX: studio not built</title></head>
<body><main><h1>The IONFLUX studio is not built</h1>
<p>The API is running (see <a href="/api/docs">/api/docs</a>). Build the web app with
<code>npm run build -w @ionflux/studio</code> (<code>npm start</code> does it), then reload this page.</p></main></body></html>`;

/**
 * Serves the studio's production build (Vite's `dist/`): hashed files under /assets are cached for a year, every
 * other page address gets index.html (the app routes in the browser). Only GET and HEAD of non-service paths that
 * accept HTML get the app; anything else falls through to the JSON 404.
 */
export function studioMount({ studioDir }: { studioDir: string }): Mount {
  const router = express.Router();
  const indexFile = path.join(studioDir, 'index.html');

  router.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVICE_PATH.test(req.path)) {
      next('router');
      return;
    }
    res.setHeader('Content-Security-Policy', STUDIO_CONTENT_SECURITY_POLICY);
    next();
  });
  router.use(
    '/assets',
    express.static(path.join(studioDir, 'assets'), {
      index: false,
      fallthrough: true,
      // File names carry a content hash: a changed file is a new name. (The app set no-store before this.)
      cacheControl: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=31536000, immutable'),
    }),
  );
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/assets/') || !req.accepts('html')) {
      next('router');
      return;
    }
    if (!fs.existsSync(indexFile)) {
      res.status(503).type('html').send(NOT_BUILT_PAGE);
      return;
    }
    res.type('html');
    res.sendFile(indexFile, { cacheControl: false, lastModified: false, etag: false }, (error) => {
      if (error && !res.headersSent) next(error);
    });
  });

  const handler: RequestHandler = (req, res, next) => {
    router(req, res, (error?: unknown) => {
      // 'router' means "not mine": continue with the app's next handler (the JSON 404).
      if (error === 'router' || error === undefined) next();
      else next(error);
    });
  };
  return {
    path: '/',
    handler,
    policy: {
      kind: 'studio',
      description:
        'The web app: static files of the studio build and index.html for page addresses (no data; the app calls the API)',
    },
  };
}
