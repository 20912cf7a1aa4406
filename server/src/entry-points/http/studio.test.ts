import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../../testing/test-server';
import { STUDIO_CONTENT_SECURITY_POLICY } from './studio';

/** The studio's build served on the server's port: index.html for page addresses, cached hashed assets, JSON 404s. */
let t: TestServer;
let empty: TestServer;
let dir: string;
const INDEX =
  '<!doctype html><title>studio under test</title><script type="module" src="/assets/app-1a2b.js"></script>';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ifx-studio-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
  fs.writeFileSync(path.join(dir, 'assets', 'app-1a2b.js'), 'console.log("app")');
  t = await startTestServer({ studioDir: dir });
  empty = await startTestServer({ studioDir: path.join(dir, 'missing') });
});
afterAll(async () => {
  await t.close();
  await empty.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const html = { headers: { accept: 'text/html,application/xhtml+xml' } };

describe('studio mount', () => {
  it('answers page addresses with index.html under the studio CSP, never cached', async () => {
    for (const address of ['/', '/login', '/workspaces/6f1c7a52-3b5a-4c1e-9a43-6c2f0b9e1d11/pages/x']) {
      const page = await t.request('GET', address, html);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.body).toBe(INDEX);
      expect(page.headers.get('content-security-policy')).toBe(STUDIO_CONTENT_SECURITY_POLICY);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('x-frame-options')).toBe('DENY');
    }
    expect(STUDIO_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    // Styles may be inline (Monaco); scripts never: no inline script, no eval.
    const directives = STUDIO_CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('style-src '));
    expect(directives.join('; ')).not.toMatch(/unsafe/);
    expect(STUDIO_CONTENT_SECURITY_POLICY).toContain("style-src 'self' 'unsafe-inline'");
  });

  it('serves hashed assets for a year and 404s missing ones', async () => {
    const asset = await t.request('GET', '/assets/app-1a2b.js');
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log("app")');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await t.request('GET', '/assets/nope-123.js', html);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('route_not_found');
    const traversal = await t.request('GET', '/assets/..%2f..%2fpackage.json');
    expect(traversal.status).toBe(404);
  });

  it('leaves the API, the services and other methods to their own answers', async () => {
    const api = await t.request('GET', '/api/nope', html);
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('route_not_found');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await t.request('GET', '/healthz', html)).body).toEqual({ status: 'ok' });
    const post = await t.request('POST', '/login', { body: {} });
    expect(post.status).toBe(404);
    // A script or JSON client asking for a page address gets the JSON 404, not the app.
    const json = await t.request('GET', '/somewhere', { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(json.body.error.code).toBe('route_not_found');
  });

  it('says how to build the studio when it is not built', async () => {
    const page = await empty.request('GET', '/', html);
    expect(page.status).toBe(503);
    expect(String(page.body)).toContain('npm run build -w @ionflux/studio');
  });
});
