import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileAgent } from '@ionflux/compiler';
import { startSandboxServer, type SandboxServer } from '@ionflux/sandbox';
import type { CredentialResolver } from './credentials';
import { RunInputError } from './inputs';
import { EnginePool } from './pool';
import { AgentRunError, runAgent, type NodeEvent } from './run-agent';
import { sandboxCredentials, tableCredentialResolver } from './sandbox-credentials';

/**
 * The pool runs agents on worker threads (the built engine: `npm test` builds first) with the same results as
 * runAgent on the calling thread; credentials stay with the caller's resolver.
 */
let sandbox: SandboxServer;
let resolver: CredentialResolver;
const asked: string[] = [];
let pool: EnginePool;

beforeAll(async () => {
  sandbox = await startSandboxServer({
    port: 0,
    shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
  });
  const table = tableCredentialResolver(sandboxCredentials({ sandboxBaseUrl: sandbox.url }));
  resolver = async (request) => {
    asked.push(`${request.node.name}:${request.type}`);
    return table(request);
  };
  pool = new EnginePool({ size: 2, credentials: resolver });
});
afterAll(async () => {
  await pool.close();
  await sandbox.close();
});

function compile(spec: string) {
  const result = compileAgent(`apiVersion: ionflux/v1
kind: Agent
metadata: { name: pool-test, version: 1.0.0 }
spec:
${spec}`);
  if (!result.workflow) throw new Error(JSON.stringify(result.diagnostics, null, 2));
  return { workflow: result.workflow, sourceMap: result.sourceMap! };
}

const revenue = compile(`  inputs:
    period: { type: string, default: last_7_days }
  connections: { store: { type: shopify } }
  trigger: { manual: {} }
  steps:
    - id: revenue
      uses: shopify.revenue.summary
      with: { period: "{{ inputs.period }}" }
    - id: label
      uses: llm.classify
      with: { text: "Revenue was {{ money(steps.revenue.output.total) }}", labels: [good, bad] }
  output:
    value: { total: "{{ steps.revenue.output.total }}", period: "{{ inputs.period }}" }
`);

describe('EnginePool', () => {
  it('runs agents on its workers with the results runAgent gives, forwarding node events and asking for credentials', async () => {
    const events: NodeEvent[] = [];
    asked.length = 0;
    const pooled = await pool.run({
      ...revenue,
      input: { period: 'last_30_days' },
      onNodeEvent: (e) => events.push(e),
    });
    const direct = await runAgent({ ...revenue, input: { period: 'last_30_days' }, credentials: resolver });
    expect(pooled.status).toBe('success');
    expect(pooled.output).toEqual(direct.output);
    expect(pooled.steps.map((s) => [s.id, s.status, s.items])).toEqual(
      direct.steps.map((s) => [s.id, s.status, s.items]),
    );
    expect(events.filter((e) => e.type === 'end').map((e) => e.node)).toEqual([
      'Manual trigger',
      'Inputs',
      'Revenue',
      'Label',
      'Output',
    ]);
    expect(events.find((e) => e.node === 'Revenue' && e.type === 'end')).toMatchObject({
      status: 'success',
      source: { line: 10, col: 7 },
    });
    // Each node asked once on the pool's side (the second half of `asked` is the direct run's).
    expect(asked.slice(0, 2)).toEqual(['Revenue:ionfluxShopifyAccessTokenApi', 'Label:ionfluxLlmApi']);
  });

  it("per-step node events: the same events in the same order, sent together when a step's node starts and at the end", async () => {
    const live: NodeEvent[] = [];
    await pool.run({ ...revenue, input: { period: 'last_7_days' }, onNodeEvent: (e) => live.push(e) });
    // Events delivered in one go (one message from the worker) share a batch number: the number moves on in a
    // microtask after the first event of a message, before the next message's task.
    const batches: string[][] = [];
    let open = false;
    const perStep = await pool.run({
      ...revenue,
      input: { period: 'last_7_days' },
      nodeEvents: 'per-step',
      onNodeEvent: (e) => {
        if (!open) {
          batches.push([]);
          open = true;
          queueMicrotask(() => (open = false));
        }
        batches.at(-1)!.push(`${e.type} ${e.node}`);
      },
    });
    expect(perStep.status).toBe('success');
    const kinds = (events: NodeEvent[]) => events.map((e) => `${e.type} ${e.node}`);
    expect(batches.flat()).toEqual(kinds(live));
    expect(batches).toEqual([
      ['start Manual trigger', 'end Manual trigger', 'start Inputs', 'end Inputs', 'start Revenue'],
      ['end Revenue', 'start Label'],
      ['end Label', 'start Output', 'end Output'],
    ]);
  });

  it('spreads concurrent runs over its workers, each run with its own inputs', async () => {
    const periods = [
      'today',
      'yesterday',
      'last_7_days',
      'last_30_days',
      'last_90_days',
      'month_to_date',
      'last_month',
      'year_to_date',
    ];
    const results = await Promise.all(periods.map((period) => pool.run({ ...revenue, input: { period } })));
    expect(results.map((r) => [r.status, (r.output as { period: string }).period])).toEqual(
      periods.map((p) => ['success', p]),
    );
    const totals = results.map((r) => (r.output as { total: number }).total);
    expect(totals[4]).toBeGreaterThan(totals[3]!); // 90 days > 30 days
  });

  it('reports failures as runAgent does: bad inputs throw, a failing node fails the run with its line:col', async () => {
    await expect(pool.run({ ...revenue, input: { period: 7 } })).rejects.toThrow(RunInputError);
    const error = await pool.run({ ...revenue, input: { periood: 'x' } }).catch((e: RunInputError) => e);
    expect(error).toBeInstanceOf(RunInputError);
    expect((error as RunInputError).field).toBe('inputs.periood');

    const broken = new EnginePool({
      size: 1,
      credentials: async (request) => {
        if (request.type === 'ionfluxShopifyAccessTokenApi')
          return { ...(await resolver(request)), accessToken: 'shpat_wrong' };
        return resolver(request);
      },
    });
    try {
      const result = await broken.run(revenue);
      expect(result.status).toBe('error');
      expect(result.error).toMatchObject({ step: 'revenue', line: 10, col: 7 });
      expect(result.error!.message).toMatch(/Invalid API key or access token/);
    } finally {
      await broken.close();
    }
  });

  it('cancels a run through its signal', async () => {
    const standard = await startSandboxServer({ port: 0 }); // a Standard plan bucket: the listing waits for it
    const slowPool = new EnginePool({
      size: 1,
      credentials: tableCredentialResolver(sandboxCredentials({ sandboxBaseUrl: standard.url })),
    });
    try {
      const slow = compile(`  connections: { store: { type: shopify } }
  trigger: { manual: {} }
  steps:
    - id: orders
      uses: shopify.orders.list
      with: { period: last_90_days, limit: 10000 }
`);
      const controller = new AbortController();
      // Canceled once the listing has started (its start event is the sentinel), not after a guessed delay.
      const pending = slowPool.run({
        ...slow,
        signal: controller.signal,
        onNodeEvent: (event) => {
          if (event.type === 'start' && event.node === 'Orders') controller.abort();
        },
      });
      const result = await pending;
      expect(result.status).toBe('canceled');
      expect(result.error!.message).toBe('The run was canceled.');
    } finally {
      await slowPool.close();
      await standard.close();
    }
    // A new worker loads n8n before it reaches the listing: slow on a loaded machine.
  }, 90_000);

  it('fails the runs of a worker that dies, and refuses runs once closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionflux-pool-'));
    const script = join(dir, 'dies.js');
    writeFileSync(script, 'process.exit(3);\n');
    const dying = new EnginePool({ size: 1, credentials: resolver, workerScript: script });
    await expect(dying.run(revenue)).rejects.toThrow(AgentRunError);
    await dying.close();
    await expect(dying.run(revenue)).rejects.toThrow('The engine pool is closed.');
    expect(() => new EnginePool({ size: 0, credentials: resolver })).toThrow(RangeError);
    await expect(pool.run({ ...revenue, trigger: { callback: () => 1 } })).rejects.toThrow(
      /cannot be sent to an engine worker/,
    );
    expect((await pool.run({ ...revenue, input: { period: 'today' } })).status).toBe('success');
  });
});
