import path from 'node:path';
import { z } from 'zod';
import { AppError, notFound } from '../../../errors';
import { defineRoute, type RouteDefinition } from '../route';

/** What /readyz asks: is the database reachable and is the server not shutting down? */
export interface Readiness {
  isShuttingDown(): boolean;
  pingDatabase(): Promise<void>;
}

const swaggerUiDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const DOC_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>IONFLUX API</title>
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
  <link rel="stylesheet" href="/api/docs/assets/index.css">
  <link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/api/docs/initializer.js"></script>
</body>
</html>
`;

/**
 * The docs page loads only its own scripts and styles (Swagger UI's inline style attributes need 'unsafe-inline' for
 * styles; no inline script runs) and may not be framed by anyone.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const DOCS_INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

/** Health, readiness, the OpenAPI document and its browsable docs (assets served locally, no CDN). */
export function systemRoutes(args: {
  readiness: Readiness;
  openApiDocument: () => Record<string, unknown>;
}): RouteDefinition[] {
  const { readiness } = args;
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'health',
      summary: 'Liveness: the process is up',
      tags: ['system'],
      policy: { kind: 'public' },
      response: { status: 200, description: 'Alive', schema: z.object({ status: z.literal('ok') }) },
      handler: async () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'ready',
      summary: 'Readiness: the database answers and the server is not shutting down',
      tags: ['system'],
      policy: { kind: 'public' },
      response: { status: 200, description: 'Ready', schema: z.object({ status: z.literal('ready') }) },
      errors: [503],
      handler: async () => {
        if (readiness.isShuttingDown())
          throw new AppError({ status: 503, code: 'shutting_down', message: 'The server is shutting down' });
        try {
          await readiness.pingDatabase();
        } catch {
          throw new AppError({ status: 503, code: 'database_unavailable', message: 'The database does not answer' });
        }
        return { status: 'ready' as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      operationId: 'getOpenApi',
      summary: 'This API as an OpenAPI 3.1 document',
      tags: ['system'],
      policy: { kind: 'public' },
      response: { status: 200, description: 'OpenAPI document', schema: z.record(z.string(), z.unknown()) },
      handler: async () => args.openApiDocument(),
    }),
    defineRoute({
      method: 'get',
      path: '/api/docs',
      operationId: 'getDocs',
      summary: 'Browsable API documentation (Swagger UI)',
      tags: ['system'],
      policy: { kind: 'public' },
      raw: true,
      response: { status: 200, description: 'HTML page' },
      handler: async ({ res }) => {
        res.status(200).type('html').set('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY).send(DOCS_HTML);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/docs/initializer.js',
      operationId: 'getDocsInitializer',
      summary: 'Swagger UI start-up script pointing at /api/openapi.json',
      tags: ['system'],
      policy: { kind: 'public' },
      raw: true,
      response: { status: 200, description: 'JavaScript' },
      handler: async ({ res }) => {
        res.status(200).type('text/javascript; charset=utf-8').send(DOCS_INITIALIZER);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/docs/assets/:file',
      operationId: 'getDocsAsset',
      summary: 'Swagger UI assets, served from the swagger-ui-dist package',
      tags: ['system'],
      policy: { kind: 'public' },
      params: z.object({ file: z.string().max(100) }),
      raw: true,
      response: { status: 200, description: 'Asset' },
      handler: async ({ params, res }) => {
        const type = DOC_ASSETS[params.file];
        if (!type) throw notFound('asset');
        res
          .status(200)
          .type(type)
          .set('Cache-Control', 'public, max-age=3600')
          .sendFile(path.join(swaggerUiDir, params.file));
        return undefined;
      },
    }),
  ];
}
