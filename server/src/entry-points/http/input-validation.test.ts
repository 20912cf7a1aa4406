import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

let t: TestServer;
let user: TestUser;
let workspaceId: string;

beforeAll(async () => {
  t = await startTestServer();
  user = await t.signup('Val');
  workspaceId = await t.createWorkspace(user, 'Validation');
});
afterAll(async () => {
  await t.close();
});

describe('bad input gets a 4xx naming the field and the fix', () => {
  it('malformed JSON is a 400 invalid_json', async () => {
    const res = await t.request('POST', `/api/workspaces/${workspaceId}/pages`, {
      token: user.token,
      rawBody: '{"title": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('a body that is not UTF-8 JSON is one story (415 naming the fix); no body is a 400 saying which to send', async () => {
    const bodies: Array<{ rawBody: string; headers: Record<string, string> }> = [
      { rawBody: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { rawBody: '{"title":"x"}', headers: { 'content-type': 'text/plain' } },
      { rawBody: '{"title":"x"}', headers: { 'content-type': 'application/json; charset=latin1' } },
      { rawBody: '{"title":"x"}', headers: { 'content-type': 'application/json; charset=utf-16' } },
      // fetch labels a bare string text/plain;charset=UTF-8
      { rawBody: '{"title":"x"}', headers: {} },
    ];
    for (const options of bodies) {
      const res = await t.request('POST', `/api/workspaces/${workspaceId}/pages`, { token: user.token, ...options });
      expect({ headers: options.headers, status: res.status, code: res.body.error?.code }).toEqual({
        headers: options.headers,
        status: 415,
        code: 'unsupported_media_type',
      });
      expect(res.body.error.message).toMatch(/Content-Type: application\/json/);
    }
    const none = await t.request('POST', `/api/workspaces/${workspaceId}/pages`, { token: user.token });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/Content-Type: application\/json/);
    const utf8 = await t.request('POST', `/api/workspaces/${workspaceId}/pages`, {
      token: user.token,
      rawBody: '{"title":"ok"}',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    });
    expect(utf8.status).toBe(201);
    const array = await t.request('POST', `/api/workspaces/${workspaceId}/pages`, { token: user.token, body: [1, 2] });
    expect(array.status).toBe(400);
  });

  it('bodies over the per-operation limit are a 413', async () => {
    const res = await t.request('POST', `/api/workspaces/${workspaceId}/pages`, {
      token: user.token,
      body: { title: 'x'.repeat(70_000) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('lists every bad field, including unknown ones and nested paths', async () => {
    const page = (
      await t.request('POST', `/api/workspaces/${workspaceId}/pages`, { token: user.token, body: { title: 'P' } })
    ).body.page;
    const res = await t.request('POST', `/api/workspaces/${workspaceId}/pages/${page.id}/blocks`, {
      token: user.token,
      body: { type: 'checklist', content: { items: [{ text: 1 }] }, position: { x: 'left' }, colour: 'red' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual(
      expect.arrayContaining([
        { path: 'colour', message: 'unknown field: remove it or check its spelling' },
        { path: 'position.x', message: expect.stringMatching(/number/) },
        { path: 'position.y', message: 'required (number)' },
      ]),
    );
    const contentRes = await t.request('POST', `/api/workspaces/${workspaceId}/pages/${page.id}/blocks`, {
      token: user.token,
      body: { type: 'checklist', content: { items: [{ text: 1 }] } },
    });
    expect(contentRes.body.error.fields).toEqual([
      { path: 'content.items.0.text', message: expect.stringMatching(/expected string.*for a checklist block/) },
    ]);
  });

  it('bad path and query values are 400s naming them', async () => {
    const path = await t.request('GET', `/api/workspaces/${workspaceId}/pages/not-a-uuid`, { token: user.token });
    expect(path.status).toBe(400);
    expect(path.body.error.fields[0].path).toBe('pageId');
    const q = await t.request('GET', `/api/workspaces/${workspaceId}/search`, { token: user.token });
    expect(q.status).toBe(400);
    expect(q.body.error.fields[0]).toEqual({ path: 'q', message: 'required (string)' });
    const limit = await t.request('GET', `/api/notifications?limit=5000`, { token: user.token });
    expect(limit.status).toBe(400);
    expect(limit.body.error.fields[0].path).toBe('limit');
  });

  it('never answers 500 to hostile input on any route', async () => {
    const hostile = [
      null,
      'string',
      42,
      { __proto__: { admin: true } },
      { title: { $gt: '' } },
      { title: '\u0000' },
      { name: 'x'.repeat(1000) },
    ];
    for (const route of t.server.routes) {
      if (!route.body) continue;
      const path = route.path
        .replace(':workspaceId', workspaceId)
        .replace(/:[A-Za-z]+/g, '6f1c7a52-3b5a-4c1e-9a43-6c2f0b9e1d11');
      for (const body of hostile) {
        const res = await t.request(route.method.toUpperCase(), path, { token: user.token, body });
        expect({ route: route.operationId, body, status: res.status < 500 }).toEqual({
          route: route.operationId,
          body,
          status: true,
        });
      }
    }
  });

  it('refuses NUL characters (which PostgreSQL cannot store) in bodies, JSON content and queries, naming the field', async () => {
    const title = await t.request('POST', `/api/workspaces/${workspaceId}/pages`, {
      token: user.token,
      body: { title: 'bad\u0000title' },
    });
    expect(title.status).toBe(400);
    expect(title.body.error.fields).toEqual([{ path: 'title', message: expect.stringMatching(/NUL character/) }]);
    const page = (
      await t.request('POST', `/api/workspaces/${workspaceId}/pages`, { token: user.token, body: { title: 'ok' } })
    ).body.page;
    const nested = await t.request('POST', `/api/workspaces/${workspaceId}/pages/${page.id}/blocks`, {
      token: user.token,
      body: { type: 'agent_snippet', content: { data: { rows: ['fine', 'x\u0000y'] } } },
    });
    expect(nested.body.error.fields[0].path).toBe('content.data.rows.1');
    const query = await t.request('GET', `/api/workspaces/${workspaceId}/blocks/by-key?page=a%00b&key=k`, {
      token: user.token,
    });
    expect(query.status).toBe(400);
    expect(query.body.error.fields[0].path).toBe('page');
  });
});

describe('order of checks', () => {
  it('authenticates before reading the body: no credentials and a broken body is a 401, not a 400', async () => {
    const res = await t.request('POST', `/api/workspaces/${workspaceId}/pages`, {
      rawBody: '{broken',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
  });
});
