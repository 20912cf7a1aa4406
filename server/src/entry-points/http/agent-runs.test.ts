import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { signRunToken } from '../../domain/agents/run-tokens';
import { sandboxOrderTotals } from '../../testing/sandbox-orders';
import { collect, startTestServer, waitUntil, type TestServer, type TestUser } from '../../testing/test-server';

const EXAMPLES = path.join(__dirname, '..', '..', '..', '..', 'examples', 'agents');
const example = (name: string) => fs.readFileSync(path.join(EXAMPLES, `${name}.yaml`), 'utf8');

let t: TestServer;
let owner: TestUser;
let w: string;
let brandId: string;
const W = () => `/api/workspaces/${w}`;

async function install(body: Record<string, unknown>): Promise<string> {
  const res = await t.request('POST', `${W()}/agents`, { token: owner.token, body });
  if (res.status !== 201) throw new Error(`install failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.agent.id;
}

async function finished(runId: string, timeoutMs = 60_000): Promise<any> {
  const started = Date.now();
  for (;;) {
    const res = await t.request('GET', `${W()}/runs/${runId}`, { token: owner.token });
    if (['succeeded', 'failed', 'canceled'].includes(res.body.run.status)) return res.body.run;
    if (Date.now() - started > timeoutMs) throw new Error(`run ${runId} still ${res.body.run.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  // The sandbox model's price (USD per million prompt / completion tokens) makes USD budgets checkable.
  t = await startTestServer({ sandbox: true, runWorkspaceConcurrency: 4, tokenPrices: 'ionflux-sandbox-1=2000/8000' });
  owner = await t.signup('Owner');
  w = await t.createWorkspace(owner, 'My Marketing Agency');
  // The sandbox store as a Brand of the workspace (no stored token: the server binds it to its emulator).
  brandId = (
    await t.request('POST', `${W()}/brands`, {
      token: owner.token,
      body: { name: 'My Test Store', shopDomain: 'ionflux-demo.myshopify.com' },
    })
  ).body.brand.id;
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe('agent runs', () => {
  it('runs Revenue Tracker Lite: 202 queued, live progress on the workspace room, figures equal to the store, block with provenance', async () => {
    const agentId = await install({
      yaml: example('revenue-tracker-lite'),
      inputs: { period: 'last_7_days' },
      bindings: { store: { brandId } },
    });
    const socket = await t.connect(owner.token);
    await socket.timeout(5000).emitWithAck('workspace:join', { workspaceId: w });
    const queued = collect(socket, 'run:queued');
    const steps = collect(socket, 'run:step');
    const ends = collect(socket, 'run:finished');
    // The order the run's events arrive in (the statement that queues a run may also claim it: it starts before the
    // request is answered, and its run:queued must still come first).
    const arrivals: { event: string; runId: unknown }[] = [];
    socket.onAny((event: string, payload: { run?: { id?: unknown }; runId?: unknown } | undefined) => {
      if (event.startsWith('run:')) arrivals.push({ event, runId: payload?.run?.id ?? payload?.runId });
    });

    const res = await t.request('POST', `${W()}/agents/${agentId}/runs`, { token: owner.token, body: {} });
    expect(res.status).toBe(202);
    expect(res.body.run).toMatchObject({ status: 'queued', agentId, revision: 1, trigger: { kind: 'manual' } });
    const runId = res.body.run.id;
    const run = await finished(runId);
    expect(run).toMatchObject({ status: 'succeeded', error: null, startedBy: owner.id });
    const output = run.output as { total: number; orders: number; from: string; to: string };
    const expected = await sandboxOrderTotals(t.url, output.from, output.to);
    expect(expected.count).toBeGreaterThan(10);
    expect(output.orders).toBe(expected.count);
    expect(output.total).toBeCloseTo(expected.total, 2);
    // Per-step log: the revenue step and the canvas output, with timing and item counts.
    expect(run.steps.find((s: { step: string }) => s.step === 'revenue')).toMatchObject({
      node: 'Revenue summary',
      status: 'success',
      items: 1,
    });
    expect(run.steps.some((s: { step: string }) => s.step === 'output.canvas')).toBe(true);
    expect(run.usage).toMatchObject({ totalTokens: 0, estimatedCostUsd: 0 });

    await waitUntil(() => ends.some((e) => e.run.id === runId), 10_000, 'run:finished');
    // run:queued carries the run's summary (what a list shows), not its inputs or trigger payload.
    expect(queued.find((e) => e.run.id === runId).run).toEqual({
      id: runId,
      agentId,
      agentName: 'Revenue Tracker Lite',
      revision: 1,
      status: 'queued',
      trigger: { kind: 'manual' },
      createdAt: res.body.run.createdAt,
    });
    // One run:step per step boundary, each naming the step that starts and carrying the end of the one before it
    // (as the step log records it); the last step's end comes with run:finished, which arrived after them all.
    const mine = steps.filter((p) => p.runId === runId);
    const logged = (step: string) => run.steps.find((s: { step: string }) => s.step === step);
    const revenue = logged('revenue');
    const canvas = logged('output.canvas');
    const common = { runId, agentId, agentName: 'Revenue Tracker Lite', total: 2 };
    expect(mine).toEqual([
      { ...common, node: 'Revenue summary', step: 'revenue', index: 1, elapsedMs: expect.any(Number) },
      {
        ...common,
        node: canvas.node,
        step: 'output.canvas',
        index: 2,
        elapsedMs: expect.any(Number),
        previous: { node: 'Revenue summary', step: 'revenue', status: 'success', durationMs: revenue.durationMs },
      },
    ]);
    expect(mine[0].elapsedMs).toBeGreaterThanOrEqual(0);
    expect(mine[1].elapsedMs).toBeGreaterThanOrEqual(mine[0].elapsedMs);
    expect(ends.find((e) => e.run.id === runId).run.status).toBe('succeeded');
    expect(arrivals.filter((a) => a.runId === runId).map((a) => a.event)).toEqual([
      'run:queued',
      'run:step',
      'run:step',
      'run:finished',
    ]);

    // The block on the agent's page carries the figures and who wrote them (agent and run).
    const block = await t.request(
      'GET',
      `${W()}/blocks/by-key?page=${encodeURIComponent('Revenue Tracker Lite')}&key=revenue`,
      { token: owner.token },
    );
    expect(block.status).toBe(200);
    expect(block.body.block).toMatchObject({ agentConfigId: agentId, writtenByRunId: runId });
    expect(block.body.block.content.data.total).toBeCloseTo(expected.total, 2);
    // The configuration shows it as its latest output.
    const config = await t.request('GET', `${W()}/agents/${agentId}`, { token: owner.token });
    expect(config.body.agent.latestOutput).toMatchObject({ runId, revision: 1 });
    expect(config.body.agent.latestOutput.value.total).toBeCloseTo(expected.total, 2);
  }, 180_000);

  it('a failing step fails the run with the step and its line:col in the revision YAML', async () => {
    const yaml = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: bad-fetch, version: 1.0.0 }
spec:
  trigger: { manual: {} }
  steps:
    - id: fetch
      uses: http.request
      with: { url: "http://127.0.0.1:9/nothing-here" }
`;
    const agentId = await install({ yaml });
    const res = await t.request('POST', `${W()}/agents/${agentId}/runs`, { token: owner.token });
    const run = await finished(res.body.run.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ step: 'fetch', line: 7, col: 7 });
    expect(run.error.message.length).toBeGreaterThan(0);
  }, 120_000);

  it('bad inputs are a 422 naming the input, and nothing is queued', async () => {
    const agentId = await install({
      yaml: example('revenue-tracker-lite'),
      name: 'Revenue 2',
      bindings: { store: { brandId } },
    });
    const res = await t.request('POST', `${W()}/agents/${agentId}/runs`, {
      token: owner.token,
      body: { inputs: { period: 'someday' } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields[0].path).toBe('inputs.period');
    const list = await t.request('GET', `${W()}/runs?agentId=${agentId}`, { token: owner.token });
    expect(list.body.runs).toEqual([]);
  });

  it('a run queues the configuration as it is now: saved, disabled, enabled or deleted since the last run, here or by another process', async () => {
    const yaml = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: current-state, version: 1.0.0 }
spec:
  inputs:
    text: { type: string }
  trigger: { manual: {} }
  steps:
    - id: fetch
      uses: http.request
      with: { url: "http://127.0.0.1:9/{{ inputs.text }}" }
`;
    const agentId = await install({ yaml, name: 'Current State', inputs: { text: 'first' } });
    const start = () => t.request('POST', `${W()}/agents/${agentId}/runs`, { token: owner.token, body: {} });
    const runsOfAgent = async () =>
      (await t.request('GET', `${W()}/runs?agentId=${agentId}`, { token: owner.token })).body.runs.length;
    const first = await start();
    expect(first.status).toBe(202);
    expect(first.body.run).toMatchObject({ revision: 1, inputs: { text: 'first' } });
    // Saved since: the next run is of the new revision, with its inputs.
    const saved = await t.request('PATCH', `${W()}/agents/${agentId}`, {
      token: owner.token,
      body: { baseRevision: 1, inputs: { text: 'second' } },
    });
    expect(saved.status).toBe(200);
    const second = await start();
    expect(second.status).toBe(202);
    expect(second.body.run).toMatchObject({ revision: 2, inputs: { text: 'second' } });
    // Disabled by another process (straight in the database, this process hears nothing): refused, none queued.
    await t.server.db.updateTable('agent_configurations').set({ enabled: false }).where('id', '=', agentId).execute();
    const refused = await start();
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('agent_disabled');
    expect(await runsOfAgent()).toBe(2);
    // Enabled again by another process: runs again.
    await t.server.db.updateTable('agent_configurations').set({ enabled: true }).where('id', '=', agentId).execute();
    const third = await start();
    expect(third.status).toBe(202);
    expect(third.body.run).toMatchObject({ revision: 2, inputs: { text: 'second' } });
    expect(await runsOfAgent()).toBe(3);
    // Deleted: 404.
    expect((await t.request('DELETE', `${W()}/agents/${agentId}`, { token: owner.token })).status).toBe(204);
    expect((await start()).status).toBe(404);
  });

  it('50 queued runs: never more than the workspace limit (4) at once, all succeed, listed newest first', async () => {
    const agentId = await install({
      yaml: example('revenue-tracker-lite'),
      name: 'Revenue 50',
      inputs: { period: 'today' },
      bindings: { store: { brandId } },
    });
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await t.request('POST', `${W()}/agents/${agentId}/runs`, { token: owner.token });
      expect(res.status).toBe(202);
      ids.push(res.body.run.id);
    }
    let maxRunning = 0;
    const sampler = setInterval(() => {
      void t.server.db
        .selectFrom('agent_runs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', w)
        .where('status', '=', 'running')
        .executeTakeFirst()
        .then((row) => (maxRunning = Math.max(maxRunning, Number(row?.n ?? 0))));
    }, 5);
    const runs = [];
    for (const id of ids) runs.push(await finished(id, 120_000));
    clearInterval(sampler);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    // Overlap of [startedAt, finishedAt] intervals: the exact peak of concurrently running runs.
    const edges = runs.flatMap((r) => [
      { at: Date.parse(r.startedAt), delta: 1 },
      { at: Date.parse(r.finishedAt), delta: -1 },
    ]);
    edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let running = 0;
    let peak = 0;
    for (const edge of edges) peak = Math.max(peak, (running += edge.delta));
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThanOrEqual(2);
    expect(maxRunning).toBeLessThanOrEqual(4);

    const page1 = await t.request('GET', `${W()}/runs?agentId=${agentId}&limit=20`, { token: owner.token });
    const page2 = await t.request('GET', `${W()}/runs?agentId=${agentId}&limit=40&cursor=${page1.body.nextCursor}`, {
      token: owner.token,
    });
    const listed = [...page1.body.runs, ...page2.body.runs].map((r: { id: string }) => r.id);
    expect(listed).toEqual([...ids].reverse());
    expect(page2.body.nextCursor).toBeNull();
    const byStatus = await t.request('GET', `${W()}/runs?status=failed&agentId=${agentId}`, { token: owner.token });
    expect(byStatus.body.runs).toEqual([]);
  }, 240_000);

  it('policy.concurrency serial: runs of that agent never overlap, while another agent runs side by side', async () => {
    // Each on a page of its own (the canvas output's page is titled after the agent).
    const variant = (name: string, title: string) =>
      example('revenue-tracker-lite')
        .replace(/name: revenue-tracker-lite/, `name: ${name}`)
        .replace(/displayName: Revenue Tracker Lite/, `displayName: ${title}`);
    const serialYaml = variant('revenue-serial', 'Revenue Serial').concat('  policy: { concurrency: serial }\n');
    const serial = await install({
      yaml: serialYaml,
      name: 'Revenue serial',
      inputs: { period: 'today' },
      bindings: { store: { brandId } },
    });
    const parallel = await install({
      yaml: variant('revenue-parallel', 'Revenue Parallel'),
      name: 'Revenue parallel',
      inputs: { period: 'today' },
      bindings: { store: { brandId } },
    });
    const serialIds: string[] = [];
    const parallelIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      for (const [agentId, ids] of [
        [serial, serialIds],
        [parallel, parallelIds],
      ] as const) {
        const res = await t.request('POST', `${W()}/agents/${agentId}/runs`, { token: owner.token });
        expect(res.status).toBe(202);
        ids.push(res.body.run.id);
      }
    }
    const serialRuns = [];
    for (const id of serialIds) serialRuns.push(await finished(id, 120_000));
    const parallelRuns = [];
    for (const id of parallelIds) parallelRuns.push(await finished(id, 120_000));
    expect([...serialRuns, ...parallelRuns].filter((r) => r.status !== 'succeeded').map((r) => r.error)).toEqual([]);
    const peak = (runs: { startedAt: string; finishedAt: string }[]) => {
      const edges = runs.flatMap((r) => [
        { at: Date.parse(r.startedAt), delta: 1 },
        { at: Date.parse(r.finishedAt), delta: -1 },
      ]);
      edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
      let running = 0;
      let most = 0;
      for (const edge of edges) most = Math.max(most, (running += edge.delta));
      return most;
    };
    // The serial agent's runs: one at a time, in the order they were queued, each starting after the previous ended.
    expect(peak(serialRuns)).toBe(1);
    const byStart = [...serialRuns].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    expect(byStart.map((r) => r.id)).toEqual(serialIds);
    // The other agent's runs overlapped each other and the serial ones (the workspace limit is 4, not 1).
    expect(peak(parallelRuns)).toBeGreaterThanOrEqual(2);
    expect(peak([...serialRuns, ...parallelRuns])).toBeGreaterThanOrEqual(2);
  }, 240_000);

  it('cancels a queued run at once', async () => {
    const agentId = await install({
      yaml: example('revenue-tracker-lite'),
      name: 'Revenue cancel',
      inputs: { period: 'today' },
      bindings: { store: { brandId } },
    });
    // Fill the workspace's four slots with runs, so the fifth waits in the queue.
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.push((await t.request('POST', `${W()}/agents/${agentId}/runs`, { token: owner.token })).body.run.id);
    const last = ids[ids.length - 1]!;
    const canceled = await t.request('POST', `${W()}/runs/${last}/cancel`, { token: owner.token });
    expect(canceled.status).toBe(200);
    if (canceled.body.run.status !== 'succeeded') {
      const run = await finished(last);
      expect(run.status).toBe('canceled');
      expect(run.error.code).toBe('canceled');
    }
    for (const id of ids) await finished(id);
  }, 120_000);

  it('a run token works only while its run runs, and only in its workspace', async () => {
    const runs = await t.request('GET', `${W()}/runs?limit=1`, { token: owner.token });
    const done = runs.body.runs[0];
    const { token } = await signRunToken({
      key: t.server.useCases.ctx.jwtKey,
      claims: { runId: done.id, workspaceId: w, agentId: done.agentId, userId: owner.id },
      ttlSeconds: 60,
    });
    const res = await t.request('GET', '/api/api-token', { token });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('run_finished');
    const forged = await t.request('GET', '/api/api-token', { token: `${token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
  });

  it('a token budget on the configuration stops the run with an error naming the step', async () => {
    const channel = (await t.request('POST', `${W()}/channels`, { token: owner.token, body: { name: 'campaign' } }))
      .body.channel;
    const root = (
      await t.request('POST', `${W()}/channels/${channel.id}/messages`, {
        token: owner.token,
        body: { text: 'Goal: drive 20% more sales of the holiday bundle with TikTok creators.' },
      })
    ).body.message;
    for (const text of [
      'We decided to launch on December 1st with three creators.',
      'Action item: Ana drafts the creator brief by Friday.',
      'Open question: do we offer free shipping?',
    ])
      await t.request('POST', `${W()}/channels/${channel.id}/messages`, {
        token: owner.token,
        body: { text, threadRootId: root.id },
      });
    const agentId = await install({ yaml: example('slack-brief-butler'), tokenBudget: 10 });
    const res = await t.request('POST', `${W()}/agents/${agentId}/runs`, {
      token: owner.token,
      body: { trigger: { channel: channel.id, threadId: root.id, command: 'summarize_thread', args: {} } },
    });
    expect(res.status).toBe(202);
    expect(res.body.run.trigger.kind).toBe('chat.command');
    const run = await finished(res.body.run.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ step: 'digest' });
    expect(run.error.message).toMatch(
      /^Step 'digest' brought the run to \d+ tokens, over the configuration's budget of 10/,
    );
    expect(run.usage.totalTokens).toBeGreaterThan(10);
    expect(run.usage.steps.map((s: { step: string }) => s.step)).toEqual(['digest']);
  }, 120_000);

  it('a token budget of the workspace stops a run of an agent without its own, with an error naming the step', async () => {
    const channel = (await t.request('POST', `${W()}/channels`, { token: owner.token, body: { name: 'budgeted' } }))
      .body.channel;
    const root = (
      await t.request('POST', `${W()}/channels/${channel.id}/messages`, {
        token: owner.token,
        body: { text: 'Goal: a holiday bundle campaign with three TikTok creators and free shipping over $50.' },
      })
    ).body.message;
    await t.request('POST', `${W()}/channels/${channel.id}/messages`, {
      token: owner.token,
      body: { text: 'We decided to launch on December 1st; Ana drafts the brief by Friday.', threadRootId: root.id },
    });
    const agentId = await install({ yaml: example('slack-brief-butler'), name: 'Brief under a workspace budget' });
    const set = await t.request('PUT', `${W()}/agent-settings`, { token: owner.token, body: { runTokenBudget: 12 } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ runTokenBudget: 12, runUsdBudget: null });
    expect((await t.request('GET', `${W()}/agent-settings`, { token: owner.token })).body).toEqual({
      runTokenBudget: 12,
      runUsdBudget: null,
    });
    const trigger = { channel: channel.id, threadId: root.id, command: 'summarize_thread', args: {} };
    try {
      const res = await t.request('POST', `${W()}/agents/${agentId}/runs`, { token: owner.token, body: { trigger } });
      const run = await finished(res.body.run.id);
      expect(run.status).toBe('failed');
      expect(run.error).toMatchObject({ step: 'digest' });
      expect(run.error.message).toMatch(
        /^Step 'digest' brought the run to \d+ tokens, over the workspace's budget of 12/,
      );
    } finally {
      await t.request('PUT', `${W()}/agent-settings`, { token: owner.token, body: { runTokenBudget: null } });
    }
    // Without the workspace budget the same run goes through: the budget, not the agent, stopped it.
    const again = await t.request('POST', `${W()}/agents/${agentId}/runs`, { token: owner.token, body: { trigger } });
    expect((await finished(again.body.run.id)).status).toBe('succeeded');
  }, 120_000);

  it('a USD budget (configuration or workspace) stops the run at the step whose model call went over, naming it', async () => {
    const channel = (await t.request('POST', `${W()}/channels`, { token: owner.token, body: { name: 'usd-budget' } }))
      .body.channel;
    const root = (
      await t.request('POST', `${W()}/channels/${channel.id}/messages`, {
        token: owner.token,
        body: { text: 'Goal: a gift guide for the holidays with two creators.' },
      })
    ).body.message;
    await t.request('POST', `${W()}/channels/${channel.id}/messages`, {
      token: owner.token,
      body: { text: 'We decided to publish it on December 5th; Ben writes the intro.', threadRootId: root.id },
    });
    const trigger = { channel: channel.id, threadId: root.id, command: 'summarize_thread', args: {} };
    const agentId = await install({ yaml: example('slack-brief-butler'), name: 'Brief under a USD budget' });
    const run = async () =>
      finished(
        (await t.request('POST', `${W()}/agents/${agentId}/runs`, { token: owner.token, body: { trigger } })).body.run
          .id,
      );
    // Priced with the server's table: 2000 / 8000 USD per million prompt / completion tokens.
    const costOf = (usage: { promptTokens: number; completionTokens: number }) =>
      (usage.promptTokens * 2000 + usage.completionTokens * 8000) / 1_000_000;

    const free = await run();
    expect(free.status).toBe('succeeded');
    const cost = costOf(free.usage);
    expect(cost).toBeGreaterThan(0);
    expect(free.usage.estimatedCostUsd).toBeCloseTo(cost, 6);
    // The sandbox model is deterministic: every run makes the same calls. The step that goes over a budget is the
    // first whose calls bring the running cost above it.
    expect(free.usage.steps.map((u: { step: string }) => u.step)).toEqual(['digest', 'brief']);
    const stepOver = (budget: number) => {
      let spent = 0;
      for (const step of free.usage.steps) if ((spent += costOf(step)) > budget) return step.step as string;
      throw new Error(`the run stays within ${budget}`);
    };

    // The configuration's budget, just under what the run costs.
    const under = Number((cost * 0.9).toFixed(6));
    const saved = await t.request('PATCH', `${W()}/agents/${agentId}`, {
      token: owner.token,
      body: { baseRevision: 1, usdBudget: under },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.agent.usdBudget).toBe(under);
    const overConfig = await run();
    expect(overConfig.status).toBe('failed');
    expect(overConfig.error).toMatchObject({ step: stepOver(under) });
    expect(overConfig.error.message).toBe(
      `Step '${stepOver(under)}' brought the run to $${costOf(overConfig.usage).toFixed(6)} (${overConfig.usage.totalTokens} tokens), over the configuration's USD budget of $${under}; the run was stopped.`,
    );
    expect(overConfig.usage.estimatedCostUsd).toBeCloseTo(costOf(overConfig.usage), 6);
    expect(overConfig.usage.estimatedCostUsd).toBeGreaterThan(under);

    // The workspace's budget, tighter than the configuration's, is the one named; a bad value is a 400 naming it.
    const bad = await t.request('PUT', `${W()}/agent-settings`, { token: owner.token, body: { runUsdBudget: -1 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.fields)).toContain('runUsdBudget');
    const tighter = Number((costOf(free.usage.steps[0]) / 2).toFixed(6));
    const set = await t.request('PUT', `${W()}/agent-settings`, {
      token: owner.token,
      body: { runUsdBudget: tighter },
    });
    expect(set.body).toEqual({ runTokenBudget: null, runUsdBudget: tighter });
    try {
      const overWorkspace = await run();
      expect(overWorkspace.status).toBe('failed');
      expect(overWorkspace.error).toMatchObject({ step: 'digest' });
      expect(overWorkspace.usage.steps.map((u: { step: string }) => u.step)).toEqual(['digest']);
      expect(overWorkspace.error.message).toContain(`over the workspace's USD budget of $${tighter};`);
    } finally {
      await t.request('PUT', `${W()}/agent-settings`, { token: owner.token, body: { runUsdBudget: null } });
    }

    // A budget above the cost lets the run through, and its estimate is the same price table's.
    await t.request('PATCH', `${W()}/agents/${agentId}`, {
      token: owner.token,
      body: { baseRevision: 2, usdBudget: Number((cost * 2).toFixed(6)) },
    });
    const within = await run();
    expect(within.status).toBe('succeeded');
    expect(within.usage.estimatedCostUsd).toBeCloseTo(costOf(within.usage), 6);
  }, 180_000);
});
