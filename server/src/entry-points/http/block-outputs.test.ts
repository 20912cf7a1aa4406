import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

const EXAMPLES = path.join(__dirname, '..', '..', '..', '..', 'examples', 'agents');

let t: TestServer;
let owner: TestUser;
let w: string;
const W = () => `/api/workspaces/${w}`;

async function finished(runId: string): Promise<any> {
  for (let i = 0; ; i++) {
    const res = await t.request('GET', `${W()}/runs/${runId}`, { token: owner.token });
    if (['succeeded', 'failed', 'canceled'].includes(res.body.run.status)) return res.body.run;
    if (i > 2400) throw new Error(`run ${runId} still ${res.body.run.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  t = await startTestServer({ sandbox: true });
  owner = await t.signup('Owner');
  w = await t.createWorkspace(owner, 'Outputs');
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe('agent-snippet block history', () => {
  it('keeps every output with its agent, revision and run, and restores an earlier one', async () => {
    const yaml = fs.readFileSync(path.join(EXAMPLES, 'revenue-tracker-lite.yaml'), 'utf8');
    const created = await t.request('POST', `${W()}/agents`, {
      token: owner.token,
      body: { yaml, inputs: { period: 'today' }, bindings: { store: { sandbox: true } } },
    });
    expect(created.status).toBe(201);
    const agentId = created.body.agent.id as string;
    const run1 = await finished(
      (await t.request('POST', `${W()}/agents/${agentId}/runs`, { token: owner.token })).body.run.id,
    );
    expect(run1.status).toBe('succeeded');
    // Revision 2 of the configuration: another period, so another output.
    const saved = await t.request('PATCH', `${W()}/agents/${agentId}`, {
      token: owner.token,
      body: { baseRevision: 1, inputs: { period: 'last_30_days' } },
    });
    expect(saved.body.agent.revision).toBe(2);
    const run2 = await finished(
      (await t.request('POST', `${W()}/agents/${agentId}/runs`, { token: owner.token })).body.run.id,
    );
    expect(run2.status).toBe('succeeded');

    const pages = (await t.request('GET', `${W()}/pages`, { token: owner.token })).body.pages;
    const page = pages.find((p: { title: string }) => p.title === 'Revenue Tracker Lite');
    const blocks = (await t.request('GET', `${W()}/pages/${page.id}`, { token: owner.token })).body.blocks;
    const block = blocks.find((b: { key: string }) => b.key === 'revenue');
    expect(block).toMatchObject({ type: 'agent_snippet', writtenByRunId: run2.id });

    const listed = await t.request('GET', `${W()}/pages/${page.id}/blocks/${block.id}/outputs`, {
      token: owner.token,
    });
    expect(listed.status).toBe(200);
    const [latest, earlier] = listed.body.outputs;
    expect(listed.body.outputs).toHaveLength(2);
    expect(latest).toMatchObject({ agentConfigId: agentId, agentRevision: 2, runId: run2.id, writtenBy: owner.id });
    expect(earlier).toMatchObject({ agentConfigId: agentId, agentRevision: 1, runId: run1.id, restoredFrom: null });
    expect(latest.content).toEqual(block.content);
    // Each entry is what its run produced: the run's output as data, titled with that revision's period.
    expect(earlier.content).toMatchObject({ title: 'Revenue (today)', data: run1.output });
    expect(latest.content).toMatchObject({ title: 'Revenue (last_30_days)', data: run2.output });

    const stale = await t.request('POST', `${W()}/pages/${page.id}/blocks/${block.id}/outputs/${earlier.id}/restore`, {
      token: owner.token,
      body: { baseVersion: block.version - 1 },
    });
    expect(stale.status).toBe(409);
    const restored = await t.request(
      'POST',
      `${W()}/pages/${page.id}/blocks/${block.id}/outputs/${earlier.id}/restore`,
      { token: owner.token, body: { baseVersion: block.version } },
    );
    expect(restored.status).toBe(200);
    expect(restored.body.block).toMatchObject({ version: block.version + 1, writtenByRunId: run1.id });
    expect(restored.body.block.content).toEqual(earlier.content);
    expect(restored.body.output).toMatchObject({ restoredFrom: earlier.id, runId: run1.id, agentRevision: 1 });
    const after = (await t.request('GET', `${W()}/pages/${page.id}/blocks/${block.id}/outputs`, { token: owner.token }))
      .body.outputs;
    expect(after.map((o: { id: string }) => o.id)).toEqual([restored.body.output.id, latest.id, earlier.id]);

    const missing = await t.request('POST', `${W()}/pages/${page.id}/blocks/${block.id}/outputs/${agentId}/restore`, {
      token: owner.token,
      body: {},
    });
    expect(missing.status).toBe(404);
  }, 240_000);

  it('writes a block and its history entry together: a failing history insert leaves the block as it was', async () => {
    // The example, writing to its own page.
    const yaml = fs
      .readFileSync(path.join(EXAMPLES, 'revenue-tracker-lite.yaml'), 'utf8')
      .replace(/^(\s*)block: revenue$/m, '$1page: Revenue Tracker Atomic\n$1block: revenue');
    expect(yaml).toContain('page: Revenue Tracker Atomic');
    const page = (
      await t.request('POST', `${W()}/pages`, { token: owner.token, body: { title: 'Revenue Tracker Atomic' } })
    ).body.page;
    const created = await t.request('POST', `${W()}/agents`, {
      token: owner.token,
      body: { name: 'Atomic Revenue', yaml, inputs: { period: 'today' }, bindings: { store: { sandbox: true } } },
    });
    expect(created.status).toBe(201);
    const agentId = created.body.agent.id as string;
    const startRun = async () =>
      finished((await t.request('POST', `${W()}/agents/${agentId}/runs`, { token: owner.token })).body.run.id);
    const run1 = await startRun();
    expect(run1).toMatchObject({ status: 'succeeded', error: null });
    const readBlock = async () =>
      (await t.request('GET', `${W()}/pages/${page.id}`, { token: owner.token })).body.blocks.find(
        (b: { key: string }) => b.key === 'revenue',
      );
    const readOutputs = async (blockId: string) =>
      (await t.request('GET', `${W()}/pages/${page.id}/blocks/${blockId}/outputs`, { token: owner.token })).body
        .outputs;
    const before = await readBlock();
    expect(before).toMatchObject({ writtenByRunId: run1.id });
    expect((await readOutputs(before.id)).map((o: { runId: string }) => o.runId)).toEqual([run1.id]);

    // Injected failure: every insert into the history fails (a trigger raising), after the block's update ran.
    const db = t.server.db;
    await sql
      .raw(
        `create function ifx_test_fail_output() returns trigger language plpgsql as $$
         begin raise exception 'injected history failure'; end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ifx_test_fail_output before insert on canvas_block_outputs
         for each row execute function ifx_test_fail_output()`,
      )
      .execute(db);
    try {
      const run2 = await startRun();
      expect(run2.status).toBe('failed');
      // A person's write through the API and a restore fail the same way, and change nothing either.
      const put = await t.request('PUT', `${W()}/blocks/by-key`, {
        token: owner.token,
        body: { page: page.id, key: 'revenue', type: 'agent_snippet', content: { title: 'typed by hand' } },
      });
      expect(put.status).toBe(500);
      const [only] = await readOutputs(before.id);
      const restore = await t.request(
        'POST',
        `${W()}/pages/${page.id}/blocks/${before.id}/outputs/${only.id}/restore`,
        {
          token: owner.token,
          body: {},
        },
      );
      expect(restore.status).toBe(500);
      const created2 = await t.request('POST', `${W()}/pages/${page.id}/blocks`, {
        token: owner.token,
        body: { type: 'agent_snippet', key: 'never-created', content: { title: 'no history, no block' } },
      });
      expect(created2.status).toBe(500);
      const blocks = (await t.request('GET', `${W()}/pages/${page.id}`, { token: owner.token })).body.blocks;
      expect(blocks.map((b: { key: string }) => b.key)).not.toContain('never-created');
      const during = await readBlock();
      expect(during).toEqual(before);
      expect((await readOutputs(before.id)).map((o: { runId: string }) => o.runId)).toEqual([run1.id]);
    } finally {
      await sql.raw('drop trigger ifx_test_fail_output on canvas_block_outputs').execute(db);
      await sql.raw('drop function ifx_test_fail_output()').execute(db);
    }

    // Without the failure, a run writes both again: the block shows its output, the history's newest entry is it.
    const run3 = await startRun();
    expect(run3.status).toBe('succeeded');
    const after = await readBlock();
    expect(after).toMatchObject({ writtenByRunId: run3.id, version: before.version + 1 });
    const outputs = await readOutputs(after.id);
    expect(outputs.map((o: { runId: string }) => o.runId)).toEqual([run3.id, run1.id]);
    expect(outputs[0].content).toEqual(after.content);
  }, 240_000);
});
