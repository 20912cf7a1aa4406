import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

const yaml = fs.readFileSync(
  path.join(__dirname, '..', '..', '..', '..', 'examples', 'agents', 'revenue-tracker-lite.yaml'),
  'utf8',
);

let t: TestServer;
let member: TestUser;
let viewer: TestUser;
let w: string;
let agentId: string;
const L = () => `/api/workspaces/${w}/agents/${agentId}/layout`;

beforeAll(async () => {
  t = await startTestServer({ sandbox: true });
  const owner = await t.signup('Owner');
  member = await t.signup('Member');
  viewer = await t.signup('Viewer');
  w = await t.createWorkspace(owner, 'Agency');
  await t.addMember({ owner, user: member, workspaceId: w, role: 'member' });
  await t.addMember({ owner, user: viewer, workspaceId: w, role: 'viewer' });
  const created = await t.request('POST', `/api/workspaces/${w}/agents`, {
    token: member.token,
    body: { yaml, bindings: { store: { sandbox: true } } },
  });
  expect(created.status).toBe(201);
  expect(created.body.agent.layout).toEqual({});
  agentId = created.body.agent.id;
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe("an agent configuration's layout (the editor's node positions)", () => {
  it('is kept beside the YAML, without a new revision, and read back', async () => {
    const layout = { 'Revenue summary': [240, -60], 'Write to canvas': [480.5, 20] };
    const put = await t.request('PUT', L(), { token: member.token, body: { layout } });
    expect(put.status).toBe(200);
    expect(put.body.agent).toMatchObject({ layout, revision: 1, yaml });
    const read = await t.request('GET', `/api/workspaces/${w}/agents/${agentId}`, { token: viewer.token });
    expect(read.body.agent.layout).toEqual(layout);
    // A save of the YAML keeps the positions.
    const saved = await t.request('PATCH', `/api/workspaces/${w}/agents/${agentId}`, {
      token: member.token,
      body: { baseRevision: 1, yaml: `# moved\n${yaml}` },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.agent).toMatchObject({ revision: 2, layout });
  });

  it('refuses bad positions with a 4xx naming the field, a viewer, and an unknown agent', async () => {
    for (const layout of [{ a: [1] }, { a: ['1', 2] }, { a: [1e9, 0] }, { ['x'.repeat(201)]: [0, 0] }, [[0, 0]]]) {
      const res = await t.request('PUT', L(), { token: member.token, body: { layout } });
      expect([400, 422]).toContain(res.status);
      expect(JSON.stringify(res.body.error)).toContain('layout');
    }
    const viewerPut = await t.request('PUT', L(), { token: viewer.token, body: { layout: {} } });
    expect(viewerPut.status).toBe(403);
    const missing = await t.request('PUT', `/api/workspaces/${w}/agents/00000000-0000-4000-8000-000000000000/layout`, {
      token: member.token,
      body: { layout: {} },
    });
    expect(missing.status).toBe(404);
    const read = await t.request('GET', `/api/workspaces/${w}/agents/${agentId}`, { token: member.token });
    expect(Object.keys(read.body.agent.layout)).toEqual(['Revenue summary', 'Write to canvas']);
  });
});
