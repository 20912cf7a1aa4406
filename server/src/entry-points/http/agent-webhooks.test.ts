import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

let t: TestServer;
let owner: TestUser;
let w: string;
const W = () => `/api/workspaces/${w}`;

const hookAgent = (name: string, method?: string) => `apiVersion: ionflux/v1
kind: Agent
metadata: { name: ${name}, version: 1.0.0 }
spec:
  trigger: { webhook: { ${method ? `method: ${method}` : ''} } }
  steps:
    - id: tell
      uses: notify
      with: { title: "Order {{ trigger.body.order }}" }
  output:
    value: "{{ trigger.body }}"
`;

async function install(name: string, yaml = hookAgent(name.toLowerCase().replace(/ /g, '-'))): Promise<string> {
  const res = await t.request('POST', `${W()}/agents`, { token: owner.token, body: { yaml, name } });
  if (res.status !== 201) throw new Error(`install failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.agent.id;
}

async function rotate(agentId: string): Promise<{ url: string; path: string; secret: string }> {
  const res = await t.request('POST', `${W()}/agents/${agentId}/webhook`, { token: owner.token });
  expect(res.status).toBe(201);
  return res.body.webhook;
}

async function finished(runId: string): Promise<any> {
  for (let i = 0; ; i++) {
    const res = await t.request('GET', `${W()}/runs/${runId}`, { token: owner.token });
    if (['succeeded', 'failed', 'canceled'].includes(res.body.run.status)) return res.body.run;
    if (i > 1200) throw new Error(`run ${runId} still ${res.body.run.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  t = await startTestServer({ webhookRequestsPerMinute: 3 });
  owner = await t.signup('Hook owner');
  w = await t.createWorkspace(owner, 'Hooks');
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe('webhook trigger', () => {
  it('a request to the URL starts a run with the request as its trigger; credentials headers are not kept', async () => {
    const agentId = await install('Order hook');
    const hook = await rotate(agentId);
    expect(hook.url).toBe(`${t.url}${hook.path}`);
    expect(hook.path).toBe(`/api/hooks/agents/${agentId}/${hook.secret}`);
    expect(hook.secret).toMatch(/^whs_[A-Za-z0-9_-]{43}$/);
    const sent = { order: 'A-1001', items: [1, 2, 3] };
    const res = await fetch(`${hook.url}?source=crm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer caller-secret', 'x-trace': 't-1' },
      body: JSON.stringify(sent),
    });
    expect(res.status).toBe(202);
    const { run } = (await res.json()) as { run: { id: string; status: string } };
    expect(run.status).toBe('queued');
    const done = await finished(run.id);
    expect({ ...done, error: done.error ?? null }).toMatchObject({
      status: 'succeeded',
      agentId,
      output: sent,
      error: null,
    });
    expect(done.trigger.kind).toBe('webhook');
    expect(done.trigger.payload).toMatchObject({ body: sent, method: 'POST', query: { source: 'crm' } });
    expect(done.trigger.payload.headers['x-trace']).toBe('t-1');
    expect(done.trigger.payload.headers.authorization).toBeUndefined();
    expect(JSON.stringify(done)).not.toContain(hook.secret);
    // Its Notify step's notification links to the run.
    const notes = await t.request('GET', `/api/notifications?workspaceId=${w}`, { token: owner.token });
    const note = notes.body.notifications.find((n: { title: string }) => n.title === 'Order A-1001');
    expect(note).toMatchObject({
      source: { type: 'agent_run', id: run.id },
      link: `/workspaces/${w}/runs/${run.id}`,
    });
  }, 120_000);

  it('404 for a wrong, rotated or revoked secret, the same answer as for an unknown agent', async () => {
    const agentId = await install('Rotating hook');
    const first = await rotate(agentId);
    // Answers compared without their request ids.
    const post = async (path: string) => {
      const res = await t.request('POST', path, { body: { order: 'x' } });
      if (res.body?.error) delete res.body.error.requestId;
      return res;
    };
    const unknown = await post(`/api/hooks/agents/${randomUUID()}/${first.secret}`);
    expect(unknown.status).toBe(404);
    // One character off (never the secret itself: one in 64 secrets ends in A).
    const wrong = await post(
      `/api/hooks/agents/${agentId}/${first.secret.slice(0, -1)}${first.secret.endsWith('A') ? 'B' : 'A'}`,
    );
    expect(wrong.status).toBe(404);
    expect(wrong.body).toEqual(unknown.body);
    expect((await post(first.path)).status).toBe(202);

    const second = await rotate(agentId);
    expect(second.secret).not.toBe(first.secret);
    const old = await post(first.path);
    expect(old.status).toBe(404);
    expect(old.body).toEqual(unknown.body);
    expect((await post(second.path)).status).toBe(202);

    expect((await t.request('DELETE', `${W()}/agents/${agentId}/webhook`, { token: owner.token })).status).toBe(204);
    const revoked = await post(second.path);
    expect(revoked.status).toBe(404);
    expect(revoked.body).toEqual(unknown.body);
  });

  it('429 with Retry-After past the per-agent limit, while another agent still takes requests', async () => {
    const busy = await rotate(await install('Busy hook'));
    const calm = await rotate(await install('Calm hook'));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.request('POST', busy.path, { body: { order: i } })).status);
    expect(statuses).toEqual([202, 202, 202]);
    const limited = await t.request('POST', busy.path, { body: { order: 3 } });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect((await t.request('POST', calm.path, { body: { order: 1 } })).status).toBe(202);
    // The refused request started nothing: three runs of the busy agent.
    const agentId = busy.path.split('/')[4];
    const runs = await t.request('GET', `${W()}/runs?agentId=${agentId}`, { token: owner.token });
    expect(runs.body.runs.map((r: any) => r.trigger.payload.body.order).sort()).toEqual([0, 1, 2]);
  });

  it("only a webhook agent gets a URL; another method than the trigger's is 405", async () => {
    const manual = await install(
      'Manual agent',
      hookAgent('manual-agent').replace(/trigger: \{ webhook: \{ *\} \}/, 'trigger: { manual: {} }'),
    );
    const refused = await t.request('POST', `${W()}/agents/${manual}/webhook`, { token: owner.token });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('not_a_webhook_agent');

    const putHook = await rotate(await install('Put hook', hookAgent('put-hook', 'PUT')));
    const wrongMethod = await t.request('POST', putHook.path, { body: { order: 'p' } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('PUT');
    expect((await t.request('PUT', putHook.path, { body: { order: 'p' } })).status).toBe(202);
  });
});
