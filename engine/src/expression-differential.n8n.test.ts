import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { INTERPOLATE, toPublicApiWorkflow, type N8nWorkflow } from '@ionflux/compiler';
import { functionCatalog, type FunctionName } from '@ionflux/dsl';
import { resolveInputs } from './inputs';
import { agentRunFromExecution } from './remote/execution';
import { call, expression, template, toCases } from './testing/expression-arbitraries';
import {
  runDifferentialBatch,
  type DifferentialBatchResult,
  type WorkflowExecutor,
} from './testing/expression-differential';
import { startN8nServer, type N8nServer } from './testing/n8n-server';
import { runTemplateBatch, templateParameterCase } from './testing/template-differential';

/**
 * The expression differential (see expression-differential.test.ts) on a real n8n 2.41.1: each batch's workflow is
 * created through the public API with the batch's data written into its Inputs node, run through n8n's run
 * endpoint, and its output read back from the executions API. Same generators and seed; fewer runs per function
 * (each is a real n8n execution).
 */
let n8n: N8nServer;
beforeAll(async () => {
  const tarball = process.env.IONFLUX_N8N_TARBALL;
  if (!tarball) throw new Error('IONFLUX_N8N_TARBALL is not set: run this lane with npm run test:n8n.');
  n8n = await startN8nServer({ tarball });
}, 600_000);
afterAll(async () => {
  await n8n?.stop();
});

function withInputs(workflow: N8nWorkflow, inputs: Record<string, unknown>): N8nWorkflow {
  const copy = structuredClone(workflow);
  const sources = copy.meta.ionflux.nodes;
  const resolved = resolveInputs(copy.meta.ionflux.inputs as never, inputs);
  const node = copy.nodes.find((n) => sources[n.name]?.role === 'inputs')!;
  for (const assignment of (node.parameters.assignments as { assignments: { name: string; value: unknown }[] })
    .assignments)
    if (assignment.name === 'inputs') assignment.value = JSON.stringify(resolved);
  return copy;
}

let batches = 0;
const onN8n: WorkflowExecutor = async (workflow, inputs) => {
  const prepared = withInputs(workflow, inputs);
  const created = await n8n.api.createWorkflow({ ...toPublicApiWorkflow(prepared), name: `differential ${++batches}` });
  try {
    const trigger = prepared.nodes.find((n) => prepared.meta.ionflux.nodes[n.name]?.role === 'trigger')!;
    const id = await n8n.session.runWorkflow(created.id, trigger.name);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const execution = await n8n.api.getExecution(id).catch(() => undefined);
      if (execution && !['running', 'new', 'waiting'].includes(execution.status)) {
        const result = agentRunFromExecution({ workflow: prepared, execution });
        if (result.status !== 'success') throw new Error(result.error?.message ?? result.status);
        return result.output;
      }
      if (Date.now() > deadline) throw new Error(`execution ${id} did not finish`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await n8n.api.deleteWorkflow(created.id);
  }
};

function report(result: DifferentialBatchResult): string {
  return result.mismatches
    .slice(0, 5)
    .map(
      (m) =>
        `${m.template}\n  data: ${JSON.stringify(m.data)}\n  reference: ${JSON.stringify(m.reference)}\n  n8n: ${JSON.stringify(m.engine)}`,
    )
    .join('\n');
}

const SEED = 20261202;
const functionNames = Object.keys(functionCatalog) as FunctionName[];

describe('expression differential (reference vs compiled on a real n8n server)', () => {
  // Each batch is a real n8n execution (seconds on a busy machine): batches mix calls of every function.
  it('every expression function agrees with the reference on generated data', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(template(fc.oneof(...functionNames.map((name) => call(name, 1)))), { minLength: 40, maxLength: 40 }),
        async (generated) => {
          const result = await runDifferentialBatch({ cases: toCases(generated), execute: onN8n });
          for (const c of result.compared)
            for (const name of functionNames) if (c.template.includes(`${name}(`)) seen.add(name);
          if (result.mismatches.length) throw new Error(`${result.mismatches.length} mismatches:\n${report(result)}`);
        },
      ),
      { seed: SEED, numRuns: 8, endOnFailure: true },
    );
    // Most functions reached n8n (the rest are covered against the embedded engine in expression-differential.test.ts).
    expect(seen.size).toBeGreaterThanOrEqual(Math.floor(functionNames.length * 0.75));
  });

  it('operators, access paths and nested calls agree with the reference', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(template(expression(3)), { minLength: 25, maxLength: 25 }), async (generated) => {
        const result = await runDifferentialBatch({ cases: toCases(generated), execute: onN8n });
        compared += result.compared.length;
        if (result.mismatches.length) throw new Error(`${result.mismatches.length} mismatches:\n${report(result)}`);
      }),
      { seed: SEED, numRuns: 8, endOnFailure: true },
    );
    expect(compared).toBeGreaterThanOrEqual(100);
  });
});

describe("text templates in node parameters on a real n8n (n8n's own {{ }} where it renders the same)", () => {
  it('agree with the reference on generated inputs, bare and wrapped interpolations alike', async () => {
    let bare = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(templateParameterCase, { minLength: 12, maxLength: 12 }), async (cases) => {
        const result = await runTemplateBatch({ cases, execute: onN8n });
        for (const compiled of result.compiled)
          for (const [, code] of compiled.matchAll(/\{\{ ([\s\S]*?) \}\}/g)) if (!code!.startsWith(INTERPOLATE)) bare++;
        if (result.mismatches.length)
          throw new Error(
            `${result.mismatches.length} mismatches:\n${JSON.stringify(result.mismatches.slice(0, 3), null, 2)}`,
          );
      }),
      { seed: SEED, numRuns: 2, endOnFailure: true },
    );
    expect(bare).toBeGreaterThan(20);
  });
});
