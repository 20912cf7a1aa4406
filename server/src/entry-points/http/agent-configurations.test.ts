import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { validateAgent } from '@ionflux/dsl';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

const EXAMPLES = path.join(__dirname, '..', '..', '..', '..', 'examples');
const example = (name: string) => fs.readFileSync(path.join(EXAMPLES, 'agents', `${name}.yaml`), 'utf8');
const invalid = (name: string) => fs.readFileSync(path.join(EXAMPLES, 'invalid', `${name}.yaml`), 'utf8');

let t: TestServer;
let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let w: string;
let brandId: string;
let creatorId: string;
const A = () => `/api/workspaces/${w}/agents`;

beforeAll(async () => {
  t = await startTestServer({ sandbox: true });
  owner = await t.signup('Owner');
  member = await t.signup('Member');
  viewer = await t.signup('Viewer');
  w = await t.createWorkspace(owner, 'Agency');
  await t.addMember({ owner, user: member, workspaceId: w, role: 'member' });
  await t.addMember({ owner, user: viewer, workspaceId: w, role: 'viewer' });
  brandId = (
    await t.request('POST', `/api/workspaces/${w}/brands`, {
      token: owner.token,
      body: { name: 'My Test Store', shopDomain: 'ionflux-demo.myshopify.com' },
    })
  ).body.brand.id;
  creatorId = (
    await t.request('POST', `/api/workspaces/${w}/creators`, { token: owner.token, body: { name: 'My Test Creator' } })
  ).body.creator.id;
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe('agent configurations', () => {
  it('installs an example agent with its display name, content hash, inputs and bindings as revision 1', async () => {
    const yaml = example('revenue-tracker-lite');
    const res = await t.request('POST', A(), {
      token: member.token,
      body: { yaml, inputs: { period: 'last_30_days' }, bindings: { store: { brandId } } },
    });
    expect(res.status).toBe(201);
    expect(res.body.agent).toMatchObject({
      name: 'Revenue Tracker Lite',
      agentName: 'revenue-tracker-lite',
      trigger: 'manual',
      revision: 1,
      yaml,
      contentHash: createHash('sha256').update(yaml).digest('hex'),
      inputs: { period: 'last_30_days' },
      bindings: { store: { brandId } },
      createdBy: member.id,
      latestOutput: null,
    });
    const list = await t.request('GET', A(), { token: viewer.token });
    expect(list.body.agents.map((a: { name: string }) => a.name)).toEqual(['Revenue Tracker Lite']);
    const dup = await t.request('POST', A(), {
      token: member.token,
      body: { yaml, name: 'revenue tracker LITE', bindings: { store: { sandbox: true } } },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('agent_name_taken');
  });

  it('refuses an invalid agent with the diagnostics the CLI prints, and stores nothing', async () => {
    const yaml = invalid('typos-everywhere');
    const res = await t.request('POST', A(), { token: member.token, body: { yaml, name: 'Broken' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_agent');
    // The same diagnostics as `ionflux validate --format json` (validateAgent), codes and positions included.
    expect(res.body.error.details.diagnostics).toEqual(JSON.parse(JSON.stringify(validateAgent(yaml).diagnostics)));
    expect(res.body.error.details.diagnostics.some((d: { code: string }) => d.code === 'IFX301')).toBe(true);
    const list = await t.request('GET', A(), { token: member.token });
    expect(list.body.agents.some((a: { name: string }) => a.name === 'Broken')).toBe(false);
  });

  it('names bad input values, unbound and mismatched connections', async () => {
    const yaml = example('revenue-tracker-lite');
    const badInput = await t.request('POST', A(), {
      token: member.token,
      body: { yaml, name: 'R2', inputs: { period: 'someday' }, bindings: { store: { brandId } } },
    });
    expect(badInput.status).toBe(422);
    expect(badInput.body.error).toMatchObject({ code: 'invalid_inputs', fields: [{ path: 'inputs.period' }] });
    const unknownInput = await t.request('POST', A(), {
      token: member.token,
      body: { yaml, name: 'R2', inputs: { perod: 'today' }, bindings: { store: { brandId } } },
    });
    expect(unknownInput.body.error.fields[0].path).toBe('inputs.perod');

    const unbound = await t.request('POST', A(), { token: member.token, body: { yaml, name: 'R2' } });
    expect(unbound.status).toBe(422);
    expect(unbound.body.error).toMatchObject({ code: 'invalid_bindings', fields: [{ path: 'bindings.store' }] });

    const mismatched = await t.request('POST', A(), {
      token: member.token,
      body: { yaml, name: 'R2', bindings: { store: { creatorId }, shop: { brandId } } },
    });
    expect(mismatched.status).toBe(422);
    expect(mismatched.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'bindings.shop',
      'bindings.store.creatorId',
    ]);
    const foreignBrand = await t.request('POST', A(), {
      token: member.token,
      body: { yaml, name: 'R2', bindings: { store: { brandId: '00000000-0000-4000-8000-000000000000' } } },
    });
    expect(foreignBrand.body.error.fields).toEqual([
      { path: 'bindings.store.brandId', message: 'No Brand with this id in this workspace' },
    ]);
  });

  it('viewers read but cannot install; another workspace sees nothing', async () => {
    const res = await t.request('POST', A(), {
      token: viewer.token,
      body: { yaml: example('ugc-matchmaker'), bindings: { tiktok: { creatorId } } },
    });
    expect(res.status).toBe(403);
    const outsider = await t.signup('Outsider');
    expect((await t.request('GET', A(), { token: outsider.token })).status).toBe(404);
  });
});

describe('revisions', () => {
  let agentId: string;
  const v1 = example('shopify-sales-sentinel');

  beforeAll(async () => {
    const res = await t.request('POST', A(), {
      token: member.token,
      body: { yaml: v1, inputs: { threshold: 100 }, bindings: { store: { brandId } } },
    });
    expect(res.status).toBe(201);
    agentId = res.body.agent.id;
  });

  it('records every save with who and when; a stale save is a 409 carrying the current revision and changes nothing', async () => {
    const first = await t.request('PATCH', `${A()}/${agentId}`, {
      token: owner.token,
      body: { baseRevision: 1, inputs: { threshold: 150 } },
    });
    expect(first.status).toBe(200);
    expect(first.body.agent.revision).toBe(2);
    // The member still edits revision 1: their save must not silently overwrite the owner's.
    const stale = await t.request('PATCH', `${A()}/${agentId}`, {
      token: member.token,
      body: { baseRevision: 1, inputs: { threshold: 50 } },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('revision_conflict');
    expect(stale.body.error.details.current).toMatchObject({ revision: 2, inputs: { threshold: 150 } });
    const now = await t.request('GET', `${A()}/${agentId}`, { token: member.token });
    expect(now.body.agent).toMatchObject({ revision: 2, inputs: { threshold: 150 } });

    const revisions = await t.request('GET', `${A()}/${agentId}/revisions`, { token: viewer.token });
    expect(
      revisions.body.revisions.map((r: { revision: number; createdBy: string; inputs: unknown }) => [
        r.revision,
        r.createdBy,
        r.inputs,
      ]),
    ).toEqual([
      [2, owner.id, { threshold: 150 }],
      [1, member.id, { threshold: 100 }],
    ]);
  });

  it('two concurrent saves on the same base: exactly one wins', async () => {
    const current = (await t.request('GET', `${A()}/${agentId}`, { token: member.token })).body.agent.revision;
    const results = await Promise.all(
      [11, 12, 13, 14].map((threshold) =>
        t.request('PATCH', `${A()}/${agentId}`, {
          token: member.token,
          body: { baseRevision: current, inputs: { threshold } },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const winner = results.find((r) => r.status === 200)!.body.agent;
    const after = (await t.request('GET', `${A()}/${agentId}`, { token: member.token })).body.agent;
    expect(after).toMatchObject({ revision: current + 1, inputs: winner.inputs });
  });

  it('diffs two revisions (unified text diff + steps, connections and scopes) and restores one', async () => {
    const before = (await t.request('GET', `${A()}/${agentId}`, { token: member.token })).body.agent;
    // Change a step's parameter, add a step, remove one, add a scope.
    const v2 = v1
      .replace('scopes: [read_orders]', 'scopes: [read_orders, read_customers]')
      .replace('level: warning', 'level: critical');
    expect(v2).not.toBe(v1);
    const saved = await t.request('PATCH', `${A()}/${agentId}`, {
      token: member.token,
      body: { baseRevision: before.revision, yaml: v2 },
    });
    expect(saved.status).toBe(200);
    const to = saved.body.agent.revision;
    const diff = await t.request('GET', `${A()}/${agentId}/diff?from=1&to=${to}`, { token: viewer.token });
    expect(diff.status).toBe(200);
    expect(diff.body.summary).toMatchObject({
      stepsAdded: [],
      stepsRemoved: [],
      stepsChanged: ['alert'],
      connectionsAdded: [],
      scopesAdded: [{ connection: 'store', scopes: ['read_customers'] }],
      triggerChanged: false,
    });
    expect(diff.body.summary.inputsChanged).toEqual(['threshold']);
    // The unified diff, applied to revision 1, gives the new text (checked by applying it line by line).
    expect(applyUnifiedDiff(v1, diff.body.unifiedDiff)).toBe(v2);
    expect(diff.body.unifiedDiff).toMatch(/^--- revision 1\n\+\+\+ revision \d+\n@@ -\d+,\d+ \+\d+,\d+ @@/);

    const restored = await t.request('POST', `${A()}/${agentId}/revisions/1/restore`, {
      token: member.token,
      body: { baseRevision: to },
    });
    expect(restored.status).toBe(200);
    expect(restored.body.agent).toMatchObject({ revision: to + 1, yaml: v1, inputs: { threshold: 100 } });
    const revisions = (await t.request('GET', `${A()}/${agentId}/revisions`, { token: member.token })).body.revisions;
    expect(revisions[0]).toMatchObject({ revision: to + 1, restoredFrom: 1, createdBy: member.id });
    const same = await t.request('GET', `${A()}/${agentId}/diff?from=1&to=${to + 1}`, { token: member.token });
    expect(same.body.unifiedDiff).toBe('');
    const staleRestore = await t.request('POST', `${A()}/${agentId}/revisions/2/restore`, {
      token: member.token,
      body: { baseRevision: to },
    });
    expect(staleRestore.status).toBe(409);
  });

  it('the step summary sees added and removed steps', async () => {
    const current = (await t.request('GET', `${A()}/${agentId}`, { token: member.token })).body.agent;
    const withExtra = v1.replace(
      '  policy:',
      '    - id: extra\n      uses: notify\n      with: { title: extra }\n  policy:',
    );
    const saved = await t.request('PATCH', `${A()}/${agentId}`, {
      token: member.token,
      body: { baseRevision: current.revision, yaml: withExtra },
    });
    expect(saved.status).toBe(200);
    const diff = await t.request('GET', `${A()}/${agentId}/diff?from=${saved.body.agent.revision}&to=1`, {
      token: member.token,
    });
    expect(diff.body.summary.stepsRemoved).toEqual(['extra']);
    const forward = await t.request('GET', `${A()}/${agentId}/diff?from=1&to=${saved.body.agent.revision}`, {
      token: member.token,
    });
    expect(forward.body.summary.stepsAdded).toEqual(['extra']);
    expect(applyUnifiedDiff(v1, forward.body.unifiedDiff)).toBe(withExtra);
  });

  it('an unknown revision or agent is a 404; deleting removes the agent and its revisions', async () => {
    expect((await t.request('GET', `${A()}/${agentId}/diff?from=1&to=999`, { token: member.token })).status).toBe(404);
    expect((await t.request('DELETE', `${A()}/${agentId}`, { token: member.token })).status).toBe(204);
    expect((await t.request('GET', `${A()}/${agentId}/revisions`, { token: member.token })).status).toBe(404);
  });
});

/** Applies a unified diff to a text (a reference reader of the format, strict about context lines). */
function applyUnifiedDiff(text: string, diff: string): string {
  const source = text.split('\n');
  if (source[source.length - 1] === '') source.pop();
  const out: string[] = [];
  let cursor = 0;
  const lines = diff.split('\n');
  for (let i = 2; i < lines.length; i++) {
    const header = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(lines[i]!);
    if (!header) continue;
    const start = Number(header[2]) === 0 ? Number(header[1]) : Number(header[1]) - 1;
    while (cursor < start) out.push(source[cursor++]!);
    for (i++; i < lines.length && !lines[i]!.startsWith('@@'); i++) {
      const line = lines[i]!;
      if (line === '') continue;
      if (line[0] === ' ') {
        expect(source[cursor]).toBe(line.slice(1));
        out.push(source[cursor++]!);
      } else if (line[0] === '-') {
        expect(source[cursor]).toBe(line.slice(1));
        cursor++;
      } else if (line[0] === '+') out.push(line.slice(1));
    }
    i--;
  }
  while (cursor < source.length) out.push(source[cursor++]!);
  return `${out.join('\n')}\n`;
}
