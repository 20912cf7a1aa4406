import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../../testing/test-server';
import { listRegisteredRoutes } from './router';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ sandbox: true });
});
afterAll(async () => {
  await t.close();
});

const PLACEHOLDER_ID = '6f1c7a52-3b5a-4c1e-9a43-6c2f0b9e1d11';
const fillPath = (path: string) =>
  path.replace(/:([A-Za-z]+)/g, (_, name: string) => (name === 'file' ? 'swagger-ui.css' : PLACEHOLDER_ID));

describe('route policies', () => {
  it('every route registered on the Express router declares a policy (deny by default)', () => {
    const registered = listRegisteredRoutes(t.server.app);
    const mounts = registered.filter((r) =>
      ['sandbox', 'studio'].includes((r.policy as { kind?: string } | undefined)?.kind ?? ''),
    );
    // Two apps are mounted whole: the sandbox emulators (under /sandbox, with their own fake credentials) and the
    // studio's static build (no data; page addresses get index.html).
    expect(mounts.map((m) => m.path)).toEqual(['/sandbox/*', '/*']);
    expect(registered.length).toBe(t.server.routes.length + mounts.length);
    const missing = registered.filter((r) => r.policy === undefined).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
    for (const route of registered) {
      expect([
        'public',
        'refreshCookie',
        'user',
        'apiToken',
        'workspace',
        'shopifyWebhook',
        'oauthState',
        'sandbox',
        'studio',
      ]).toContain((route.policy as { kind: string }).kind);
    }
    const keys = registered.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the walk catches a route added outside the route table', () => {
    t.server.app.get('/sneaky', (_req, res) => {
      res.send('x');
    });
    try {
      const sneaky = listRegisteredRoutes(t.server.app).filter((r) => r.policy === undefined);
      expect(sneaky.map((r) => r.path)).toEqual(['/sneaky']);
    } finally {
      // Take the probe route out again so it cannot affect other tests.
      const stack = (t.server.app as unknown as { router: { stack: Array<{ route?: { path: string } }> } }).router
        .stack;
      stack.splice(
        stack.findIndex((layer) => layer.route?.path === '/sneaky'),
        1,
      );
    }
  });

  it('workspace routes all carry :workspaceId, and only public routes are public', () => {
    for (const route of t.server.routes) {
      if (route.policy.kind === 'workspace') expect(route.path).toMatch(/^\/api\/workspaces\/:workspaceId(\/|$)/);
      if (route.policy.kind === 'public') {
        expect([
          'health',
          'ready',
          'getOpenApi',
          'getDocs',
          'getDocsInitializer',
          'getDocsAsset',
          'signup',
          'login',
          'listMarketplaceAgents',
          'getMarketplaceAgent',
          // The secret in the URL authenticates (checked by the handler in constant time; agent-webhooks.test.ts).
          'receiveAgentWebhook',
          'receiveAgentWebhookGet',
          'receiveAgentWebhookPut',
        ]).toContain(route.operationId);
      }
    }
  });

  it('refuses every non-public route without credentials', async () => {
    for (const route of t.server.routes) {
      if (route.policy.kind === 'public') continue;
      const res = await t.request(route.method.toUpperCase(), fillPath(route.path), {
        body: route.body ? (route.example?.body ?? {}) : undefined,
      });
      const expected = route.policy.kind === 'refreshCookie' ? 403 : 401; // cookie routes check CSRF first
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: expected,
      });
    }
  });

  it('every route has a working example where it takes a body', () => {
    for (const route of t.server.routes) {
      if (!route.body) continue;
      expect({ route: route.operationId, hasExample: route.example?.body !== undefined }).toEqual({
        route: route.operationId,
        hasExample: true,
      });
      const parsed = route.body.safeParse(route.example!.body);
      expect({ route: route.operationId, valid: parsed.success }).toEqual({ route: route.operationId, valid: true });
    }
  });
});

describe('OpenAPI', () => {
  it('describes every route, with security matching its policy, and resolvable $refs', async () => {
    const res = await t.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const operations: Array<{ id: string; security: unknown[]; policy: { kind: string } }> = [];
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      expect(path).not.toMatch(/:/);
      for (const operation of Object.values(methods))
        operations.push({
          id: operation.operationId,
          security: operation.security,
          policy: operation['x-ionflux-policy'],
        });
    }
    expect(operations.map((o) => o.id).sort()).toEqual(t.server.routes.map((r) => r.operationId).sort());
    for (const operation of operations) {
      if (operation.policy.kind === 'public') expect(operation.security).toEqual([]);
      else expect(operation.security.length).toBeGreaterThan(0);
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) {
      const name = ref.replace(/^"\$ref":"#\/components\/schemas\//, '').replace(/"$/, '');
      expect({ ref, resolves: name in doc.components.schemas }).toEqual({ ref, resolves: true });
    }
    const createBlock = doc.paths['/api/workspaces/{workspaceId}/pages/{pageId}/blocks'].post;
    expect(createBlock.requestBody.content['application/json'].schema.properties.type).toEqual({
      $ref: '#/components/schemas/BlockType',
    });
    expect(createBlock.responses['201'].content['application/json'].schema.properties.block).toEqual({
      $ref: '#/components/schemas/Block',
    });
    expect(createBlock.responses['400'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorResponse',
    });
    expect(createBlock.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:workspaceId',
      'path:pageId',
    ]);
  });

  it('serves browsable docs from local assets only (no CDN)', async () => {
    const page = await t.request('GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).not.toMatch(/https?:\/\//);
    for (const src of (page.body as string).match(/(?:src|href)="([^"]+)"/g)!.map((m) => m.split('"')[1]!)) {
      const asset = await t.request('GET', src);
      expect({ src, status: asset.status }).toEqual({ src, status: 200 });
    }
    const initializer = await t.request('GET', '/api/docs/initializer.js');
    expect(initializer.body).toContain("url: '/api/openapi.json'");
    expect((await t.request('GET', '/api/docs/assets/package.json')).status).toBe(404);
    expect((await t.request('GET', '/api/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });
});
