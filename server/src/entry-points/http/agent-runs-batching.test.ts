import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  claimRuns,
  finishRuns,
  queueRuns,
  type ClaimedRunRow,
  type RunEnd,
  type RunToQueue,
} from '../../data-access/runs-repository';
import type { WorkspaceAccess } from '../../domain/context';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

// Runs are queued and finished by group commit: requests that arrive together share one INSERT, runs that end
// together share one finish statement. These tests check that each request and each run gets its own values back.

let t: TestServer;
let owner: TestUser;
let w: string;
const W = () => `/api/workspaces/${w}`;

/** Its output is its own inputs, so every run's output says which request started it. */
const echoAgent = (name: string) => `apiVersion: ionflux/v1
kind: Agent
metadata: { name: ${name}, version: 1.0.0 }
spec:
  inputs:
    label: { type: string, default: "none" }
  trigger: { manual: {} }
  steps:
    - id: tell
      uses: notify
      with: { title: "Echo {{ inputs.label }}" }
  output:
    value: "{{ inputs }}"
`;

async function install(name: string): Promise<{ id: string; revision: number }> {
  const res = await t.request('POST', `${W()}/agents`, {
    token: owner.token,
    body: { yaml: echoAgent(name.toLowerCase().replace(/ /g, '-')), name },
  });
  if (res.status !== 201) throw new Error(`install failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.agent.id, revision: res.body.agent.revision };
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
  t = await startTestServer({ runWorkspaceConcurrency: 8 });
  owner = await t.signup('Batch owner');
  w = await t.createWorkspace(owner, 'Batches');
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe('group commit of agent runs', () => {
  it('40 startAgentRun calls at once: all stored, each answered with its own run, each run ends with its own output and step log', async () => {
    const { id: agentId } = await install('Echo many');
    const sent = Array.from({ length: 40 }, (_, n) => ({ n, nonce: randomUUID() }));
    const answers = await Promise.all(
      sent.map((trigger, n) =>
        t.request('POST', `${W()}/agents/${agentId}/runs`, {
          token: owner.token,
          body: { trigger, inputs: { label: `L${n}-${trigger.nonce}` } },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(sent.map(() => 202));
    // Each answer is the run its own request queued (its payload and inputs), and every run is a distinct row.
    answers.forEach((a, n) => {
      expect(a.body.run).toMatchObject({
        status: 'queued',
        trigger: { payload: sent[n] },
        inputs: { label: `L${n}-${sent[n]!.nonce}` },
      });
    });
    const ids = answers.map((a) => a.body.run.id as string);
    expect(new Set(ids).size).toBe(40);
    // Stored before the 202: the rows as the database holds them, read independently of the API.
    const rows = await t.server.db
      .selectFrom('agent_runs')
      .select(['id', 'trigger_payload', 'inputs'])
      .where('agent_id', '=', agentId)
      .execute();
    expect(rows).toHaveLength(40);
    const byId = new Map(rows.map((r) => [r.id, r]));
    ids.forEach((id, n) => {
      expect(byId.get(id)).toMatchObject({ trigger_payload: sent[n], inputs: { label: `L${n}-${sent[n]!.nonce}` } });
    });

    const runs = await Promise.all(ids.map((id) => finished(id)));
    runs.forEach((run, n) => {
      expect(run).toMatchObject({
        id: ids[n],
        status: 'succeeded',
        output: { label: `L${n}-${sent[n]!.nonce}` },
        error: null,
      });
      expect(run.steps.find((s: { step: string | null }) => s.step === 'tell')).toMatchObject({ status: 'success' });
    });
    // Every run notified with its own title (the step saw its own inputs and trigger).
    const notified = await t.server.db
      .selectFrom('notifications')
      .select('title')
      .where('workspace_id', '=', w)
      .where('title', 'like', 'Echo L%')
      .execute();
    expect(notified.map((x) => x.title).sort()).toEqual(sent.map((x, n) => `Echo L${n}-${x.nonce}`).sort());
    // The configuration's latest output is the output of the run that finished last.
    const last = [...runs].sort(
      (a, b) => Date.parse(b.finishedAt) - Date.parse(a.finishedAt) || (b.id < a.id ? -1 : 1),
    )[0];
    const config = await t.server.db
      .selectFrom('agent_configurations')
      .select(['latest_output', 'latest_run_id', 'latest_output_at'])
      .where('id', '=', agentId)
      .executeTakeFirstOrThrow();
    expect(new Date(config.latest_output_at!).toISOString()).toBe(last.finishedAt);
    const holder = runs.find((r) => r.id === config.latest_run_id);
    expect(config.latest_output).toEqual(holder.output);
  }, 180_000);

  it('a run whose row fails in a batch fails alone: the others of its batch are stored and answered with their own runs', async () => {
    const { id: agentId } = await install('Echo one bad');
    const access: WorkspaceAccess = {
      workspaceId: w,
      role: 'owner',
      actor: { kind: 'user', userId: owner.id, sessionId: 'test' },
    };
    // Acting as a user that does not exist breaks the row's foreign key: that INSERT fails in the database.
    const ghost = randomUUID();
    const settled = await Promise.allSettled(
      Array.from({ length: 9 }, (_, n) =>
        t.server.useCases.runs.start(access, agentId, {
          trigger: { n },
          inputs: { label: `B${n}` },
          ...(n === 4 ? { actAs: ghost } : {}),
        }),
      ),
    );
    expect(settled[4]!.status).toBe('rejected');
    settled.forEach((s, n) => {
      if (n === 4) return;
      expect(s.status).toBe('fulfilled');
      expect((s as PromiseFulfilledResult<any>).value).toMatchObject({
        trigger: { payload: { n } },
        startedBy: owner.id,
      });
    });
    const rows = await t.server.db
      .selectFrom('agent_runs')
      .select(['id', 'trigger_payload'])
      .where('agent_id', '=', agentId)
      .execute();
    expect(rows.map((r) => (r.trigger_payload as { n: number }).n).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 5, 6, 7, 8,
    ]);
    for (const s of settled)
      if (s.status === 'fulfilled') {
        const run = await finished(s.value.id);
        expect(run.output).toEqual(s.value.inputs);
      }
  }, 120_000);

  it('one INSERT for several runs: each row is its own, and a run of a configuration that changed is not queued', async () => {
    const a = await install('Echo insert a');
    const b = await install('Echo insert b');
    const run = (agent: { id: string; revision: number }, n: number, revision = agent.revision): RunToQueue => ({
      id: randomUUID(),
      workspaceId: w,
      agentId: agent.id,
      revision,
      triggerKind: 'manual',
      triggerPayload: { n },
      inputs: { label: `I${n}` },
      context: n % 2 === 0 ? { channelId: `c${n}` } : null,
      serializeKey: null,
      readOnly: n % 2 === 1,
      startedBy: owner.id,
    });
    // The third names a revision that is not the configuration's (as if it changed since it was read).
    const batch = [run(a, 0), run(b, 1), run(a, 2, a.revision + 1), run(b, 3), run(a, 4)];
    const { rows, claimed } = await queueRuns(t.server.db, batch);
    // Without a process's slots, nothing is claimed.
    expect(claimed).toBeUndefined();
    expect(rows).toHaveLength(5);
    expect(rows[2]).toBeUndefined();
    for (const n of [0, 1, 3, 4]) {
      expect(rows[n]).toMatchObject({
        id: batch[n]!.id,
        agent_id: batch[n]!.agentId,
        trigger_payload: { n },
        inputs: { label: `I${n}` },
        context: n % 2 === 0 ? { channelId: `c${n}` } : null,
        read_only: n % 2 === 1,
        status: 'queued',
      });
    }
    // Queue order follows the order given.
    const created = [0, 1, 3, 4].map((n) => new Date(rows[n]!.created_at).getTime());
    expect([...created].sort((x, y) => x - y)).toEqual(created);
    const stored = await t.server.db.selectFrom('agent_runs').select('id').where('id', '=', batch[2]!.id).execute();
    expect(stored).toEqual([]);
    // Each answered row (only id and created_at come back from the insert) is the row as stored, every column.
    const read = await t.server.db
      .selectFrom('agent_runs')
      .selectAll()
      .where(
        'id',
        'in',
        [0, 1, 3, 4].map((n) => batch[n]!.id),
      )
      .execute();
    // The server's executor polls the queue and may claim (and even finish) a run between the insert and this read:
    // the columns it writes are compared with the queued state the insert wrote, every other column with the store.
    for (const n of [0, 1, 3, 4]) {
      const stored = read.find((row) => row.id === batch[n]!.id)!;
      const {
        status,
        attempts,
        claimed_by,
        started_at,
        heartbeat_at,
        finished_at,
        output,
        error,
        steps,
        usage,
        ...rest
      } = stored;
      expect(rows[n]).toEqual({
        ...rest,
        status: 'queued',
        attempts: 0,
        claimed_by: null,
        started_at: null,
        heartbeat_at: null,
        finished_at: null,
        output: null,
        error: null,
        steps: [],
        usage: null,
      });
      // What the executor wrote, if it got there: a run of this row's own.
      expect(['queued', 'running', 'succeeded']).toContain(status);
      if (status !== 'queued')
        expect({ attempts, started: started_at !== null }).toEqual({ attempts: 1, started: true });
    }
  });

  it('one finish statement for several runs: each run gets its own end; a run its process no longer holds is left alone', async () => {
    const a = await install('Echo finish a');
    const b = await install('Echo finish b');
    const instance = `test-${randomUUID()}`;
    // Runs held by a process that is not this server's executor (it never claims them: they are running already).
    const insertRunning = async (agentId: string, claimedBy: string) =>
      (
        await t.server.db
          .insertInto('agent_runs')
          .values({
            workspace_id: w,
            agent_id: agentId,
            revision: 1,
            trigger_kind: 'manual',
            inputs: '{}',
            status: 'running',
            claimed_by: claimedBy,
            started_at: new Date(),
            heartbeat_at: new Date(),
            started_by: owner.id,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const ids = [
      await insertRunning(a.id, instance),
      await insertRunning(b.id, instance),
      await insertRunning(a.id, instance),
      await insertRunning(b.id, `other-${randomUUID()}`),
      await insertRunning(a.id, instance),
    ];
    const at = Date.now();
    const ends: RunEnd[] = ids.map((runId, n) => ({
      runId,
      instanceId: instance,
      status: n === 4 ? 'failed' : 'succeeded',
      output: n === 4 ? null : { n, values: [n, n * n] },
      error: n === 4 ? { code: 'step_failed', message: `failure ${n}` } : null,
      steps: [{ step: `s${n}`, node: `Node ${n}`, status: 'success', durationMs: n }],
      usage: { promptTokens: n, completionTokens: 2 * n, totalTokens: 3 * n },
      // Run 0 ends after run 2 although it comes first: the newest end of `a` is run 0's.
      finishedAt: new Date(at - (n === 0 ? 0 : 1000 - n)),
    }));
    expect(await finishRuns(t.server.db, ends)).toEqual([true, true, true, false, true]);
    const stored = await t.server.db.selectFrom('agent_runs').selectAll().where('id', 'in', ids).execute();
    const rows = ids.map((id) => stored.find((row) => row.id === id)!);
    for (const n of [0, 1, 2, 4]) {
      expect(rows[n]).toMatchObject({
        id: ids[n],
        status: ends[n]!.status,
        output: ends[n]!.output,
        error: ends[n]!.error,
        steps: ends[n]!.steps,
        usage: ends[n]!.usage,
      });
      expect(new Date(rows[n]!.finished_at!).getTime()).toBe(ends[n]!.finishedAt.getTime());
    }
    const untouched = await t.server.db
      .selectFrom('agent_runs')
      .select(['status', 'output'])
      .where('id', '=', ids[3]!)
      .executeTakeFirstOrThrow();
    expect(untouched).toEqual({ status: 'running', output: null });
    const latest = async (agentId: string) =>
      t.server.db
        .selectFrom('agent_configurations')
        .select(['latest_output', 'latest_run_id'])
        .where('id', '=', agentId)
        .executeTakeFirstOrThrow();
    // a: runs 0 and 2 succeeded (4 failed); run 0 ended last. b: run 1 (run 3 was not this process's).
    expect(await latest(a.id)).toEqual({ latest_output: ends[0]!.output, latest_run_id: ids[0] });
    expect(await latest(b.id)).toEqual({ latest_output: ends[1]!.output, latest_run_id: ids[1] });
  });

  it('a claim says whether it left queued runs behind, so a run ending claims again only when one may start', async () => {
    // A workspace whose 8 slots (the server's limit) are taken by another process: the server's executor claims
    // nothing here, and this test claims with a higher limit of its own.
    const full = await t.createWorkspace(owner, 'Claims');
    const res = await t.request('POST', `/api/workspaces/${full}/agents`, {
      token: owner.token,
      body: { yaml: echoAgent('echo-claims'), name: 'Echo claims' },
    });
    const agentId = res.body.agent.id as string;
    const other = `other-${randomUUID()}`;
    // Each run a millisecond after the one before: the claim takes the oldest first, and two inserts in a row can
    // get the same clock reading (PGlite's clock is coarse), which would leave their order to their random ids.
    const firstCreated = Date.now() - 60_000;
    let inserted = 0;
    const insert = (status: 'running' | 'queued') =>
      t.server.db
        .insertInto('agent_runs')
        .values({
          created_at: new Date(firstCreated + inserted++),
          workspace_id: full,
          agent_id: agentId,
          revision: 1,
          trigger_kind: 'manual',
          inputs: '{}',
          status,
          ...(status === 'running' ? { claimed_by: other, started_at: new Date(), heartbeat_at: new Date() } : {}),
          started_by: owner.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    // Runs an earlier test queued without waking the executor: the claim would take them (it claims across workspaces).
    await t.server.db.deleteFrom('agent_runs').where('status', '=', 'queued').execute();
    for (let n = 0; n < 8; n++) await insert('running');
    const queued = [(await insert('queued')).id, (await insert('queued')).id, (await insert('queued')).id];
    const instanceId = `test-${randomUUID()}`;
    const claimedRows: ClaimedRunRow[] = [];
    const claim = (max: number, workspaceLimit: number) =>
      claimRuns(t.server.db, { instanceId, max, workspaceLimit }).then(({ runs, moreQueued }) => {
        claimedRows.push(...runs);
        return { ids: runs.map((run) => run.id), moreQueued };
      });
    // The agent's budgets and the workspace's, as a claimed run reads them.
    await t.server.db
      .updateTable('agent_configurations')
      .set({ token_budget: 700 })
      .where('id', '=', agentId)
      .execute();
    await t.server.db.updateTable('workspaces').set({ run_usd_budget: 0.25 }).where('id', '=', full).execute();
    // Held back by the workspace limit: nothing claimed, and runs are left.
    expect(await claim(5, 8)).toEqual({ ids: [], moreQueued: true });
    // One slot more: the oldest queued run, two left.
    expect(await claim(5, 9)).toEqual({ ids: [queued[0]], moreQueued: true });
    // Held back by `max`: one claimed, one left.
    expect(await claim(1, 20)).toEqual({ ids: [queued[1]], moreQueued: true });
    // The last one: nothing is left behind.
    expect(await claim(5, 20)).toEqual({ ids: [queued[2]], moreQueued: false });
    expect(await claim(5, 20)).toEqual({ ids: [], moreQueued: false });
    // A claimed row: the run's columns as stored after the claim, with its agent's, revision's and workspace's values.
    const stored = await t.server.db.selectFrom('agent_runs').selectAll().where('id', 'in', queued).execute();
    expect(claimedRows).toHaveLength(3);
    for (const row of claimedRows) {
      const run = stored.find((s) => s.id === row.id)!;
      expect(run).toMatchObject({ status: 'running', claimed_by: instanceId });
      expect(row).toEqual({
        id: run.id,
        workspace_id: full,
        agent_id: agentId,
        revision: 1,
        trigger_kind: 'manual',
        trigger_payload: null,
        inputs: {},
        context: null,
        status: 'running',
        started_by: owner.id,
        attempts: run.attempts,
        cancel_requested: false,
        created_at: run.created_at,
        started_at: run.started_at,
        agent_name: 'Echo claims',
        config_token_budget: 700,
        config_usd_budget: null,
        config_created_by: owner.id,
        revision_created_by: owner.id,
        workspace_run_token_budget: null,
        workspace_run_usd_budget: 0.25,
        more_queued: expect.any(Boolean),
      });
    }
    await t.server.db.deleteFrom('agent_runs').where('workspace_id', '=', full).execute();
  });

  it('the statement that queues runs claims queued ones for free slots: oldest first, within max and the limits', async () => {
    const space = await t.createWorkspace(owner, 'Queue and claim');
    const res = await t.request('POST', `/api/workspaces/${space}/agents`, {
      token: owner.token,
      body: { yaml: echoAgent('echo-queue-claim'), name: 'Echo queue claim' },
    });
    const agent = { id: res.body.agent.id as string, revision: res.body.agent.revision as number };
    const run = (n: number, revision = agent.revision): RunToQueue => ({
      id: randomUUID(),
      workspaceId: space,
      agentId: agent.id,
      revision,
      triggerKind: 'manual',
      triggerPayload: { n },
      inputs: { label: `Q${n}` },
      context: null,
      serializeKey: null,
      readOnly: false,
      startedBy: owner.id,
    });
    // Runs an earlier test left queued would be claimed first (the claim takes the oldest across workspaces).
    await t.server.db.deleteFrom('agent_runs').where('status', '=', 'queued').execute();
    const instanceId = `test-${randomUUID()}`;
    const slots = (max: number, workspaceLimit = 20) => ({ instanceId, max, workspaceLimit });
    const status = async (ids: string[]) => {
      const rows = await t.server.db
        .selectFrom('agent_runs')
        .select(['id', 'status', 'claimed_by', 'attempts'])
        .where('id', 'in', ids)
        .execute();
      return ids.map((id) => rows.find((row) => row.id === id));
    };
    // Three queued, two slots: two of them are claimed by the same statement, the third is left. (Which two: the
    // oldest, and rows of one statement can share a `created_at` reading of PGlite's coarse clock, then the id decides.)
    const first = [run(0), run(1), run(2)];
    const one = await queueRuns(t.server.db, first, slots(2));
    expect(one.rows.map((row) => row?.id)).toEqual(first.map((r) => r.id));
    const claimedIds = one.claimed!.runs.map((row) => row.id);
    expect(claimedIds).toHaveLength(2);
    const left = first.find((r) => !claimedIds.includes(r.id))!;
    const taken = first.filter((r) => r !== left);
    expect([...claimedIds].sort()).toEqual(taken.map((r) => r.id).sort());
    expect(one.claimed!.moreQueued).toBe(true);
    const claimedFirst = one.claimed!.runs[0]!;
    const n = first.findIndex((r) => r.id === claimedFirst.id);
    expect(claimedFirst).toMatchObject({
      workspace_id: space,
      agent_id: agent.id,
      revision: agent.revision,
      trigger_payload: { n },
      inputs: { label: `Q${n}` },
      status: 'running',
      attempts: 1,
      agent_name: 'Echo queue claim',
      config_created_by: owner.id,
      revision_created_by: owner.id,
    });
    expect(await status([...taken.map((r) => r.id), left.id])).toEqual([
      ...taken.map((r) => ({ id: r.id, status: 'running', claimed_by: instanceId, attempts: 1 })),
      { id: left.id, status: 'queued', claimed_by: null, attempts: 0 },
    ]);
    // The next statement claims the run left behind and its own, and nothing is left.
    const second = [run(3)];
    const two = await queueRuns(t.server.db, second, slots(5));
    expect(two.claimed!.runs.map((row) => row.id).sort()).toEqual([left.id, second[0]!.id].sort());
    expect(two.claimed!.moreQueued).toBe(false);
    // A run of a configuration that is not current is not queued, so not claimed either.
    const stale = await queueRuns(t.server.db, [run(4, agent.revision + 1)], slots(5));
    expect(stale).toEqual({ rows: [undefined], claimed: { runs: [], moreQueued: false } });
    // The workspace limit holds: four of this workspace's runs are running, the limit is four.
    const held = [run(5)];
    const three = await queueRuns(t.server.db, held, slots(5, 4));
    expect(three.claimed).toEqual({ runs: [], moreQueued: true });
    expect(await status([held[0]!.id])).toEqual([{ id: held[0]!.id, status: 'queued', claimed_by: null, attempts: 0 }]);
    // No slots given: queued only.
    const four = await queueRuns(t.server.db, [run(6)], slots(0));
    expect(four.claimed).toBeUndefined();
    await t.server.db.deleteFrom('agent_runs').where('workspace_id', '=', space).execute();
  });
});

describe("a process's run slots", () => {
  // Runs started while the slots are full are queued, then claimed as slots free up; the statements that queue runs
  // and the executor's own claims never promise one slot twice (on PostgreSQL two inserts, each claiming, are in
  // flight at once: without the reservations this test saw 3 runs at once there).
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ runSlots: 2, runWorkspaceConcurrency: 50 });
  }, 120_000);
  afterAll(async () => {
    await small.close();
  });

  it('24 runs started at once on a server with 2 slots: at most 2 run at a time, and every run starts and ends', async () => {
    const user = await small.signup('Slots owner');
    const space = await small.createWorkspace(user, 'Slots');
    const res = await small.request('POST', `/api/workspaces/${space}/agents`, {
      token: user.token,
      body: { yaml: echoAgent('echo-slots'), name: 'Echo slots' },
    });
    expect(res.status).toBe(201);
    const agentId = res.body.agent.id as string;
    let peakExecuting = 0;
    const sampler = setInterval(
      () => (peakExecuting = Math.max(peakExecuting, small.server.useCases.runExecutor.executingCount)),
      1,
    );
    // Three waves of eight requests at once: each wave finds the slots taken by the wave before.
    const started: { id: string; label: string }[] = [];
    for (let wave = 0; wave < 3; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, n) =>
          small.request('POST', `/api/workspaces/${space}/agents/${agentId}/runs`, {
            token: user.token,
            body: { inputs: { label: `W${wave}-${n}` } },
          }),
        ),
      );
      for (const [n, answer] of answers.entries()) {
        expect(answer.status).toBe(202);
        started.push({ id: answer.body.run.id, label: `W${wave}-${n}` });
      }
    }
    const runs = [];
    for (const { id } of started) {
      for (let i = 0; ; i++) {
        const got = await small.request('GET', `/api/workspaces/${space}/runs/${id}`, { token: user.token });
        if (['succeeded', 'failed', 'canceled'].includes(got.body.run.status)) {
          runs.push(got.body.run);
          break;
        }
        if (i > 1200) throw new Error(`run ${id} still ${got.body.run.status}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    clearInterval(sampler);
    expect(runs.map((run) => [run.status, run.output.label])).toEqual(started.map((s) => ['succeeded', s.label]));
    // Overlap of the [startedAt, finishedAt] intervals as stored: the peak of runs running at once.
    const edges = runs.flatMap((run) => [
      { at: Date.parse(run.startedAt), delta: 1 },
      { at: Date.parse(run.finishedAt), delta: -1 },
    ]);
    edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let running = 0;
    let peak = 0;
    for (const edge of edges) peak = Math.max(peak, (running += edge.delta));
    expect(peak).toBeLessThanOrEqual(2);
    expect(peakExecuting).toBeLessThanOrEqual(2);
    expect(peakExecuting).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
