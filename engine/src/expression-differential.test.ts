import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { INTERPOLATE } from '@ionflux/compiler';
import { functionCatalog, type FunctionName } from '@ionflux/dsl';
import { runAgent } from './run-agent';
import { call, expression, template, toCases } from './testing/expression-arbitraries';
import {
  runDifferentialBatch,
  type DifferentialBatchResult,
  type DifferentialCase,
  type WorkflowExecutor,
} from './testing/expression-differential';
import { runTemplateBatch, templateParameterCase } from './testing/template-differential';

/**
 * Every expression function and operator, evaluated by the DSL's reference implementation and compiled to an n8n
 * workflow run on the embedded engine, on generated data: the two must agree. (The real-n8n lane runs the same
 * batches with an executor that deploys to an n8n server.)
 */
const embedded: WorkflowExecutor = async (workflow, inputs) => {
  const result = await runAgent({
    workflow,
    input: inputs,
    credentials: () => Promise.reject(new Error('the differential agent uses no credentials')),
  });
  if (result.status !== 'success') throw new Error(result.error?.message ?? result.status);
  return result.output;
};

function report(result: DifferentialBatchResult): string {
  return result.mismatches
    .slice(0, 5)
    .map(
      (m) =>
        `${m.template}\n  data: ${JSON.stringify(m.data)}\n  reference: ${JSON.stringify(m.reference)}\n  engine: ${JSON.stringify(m.engine)}`,
    )
    .join('\n');
}

const SEED = 20261202;
const functionNames = Object.keys(functionCatalog) as FunctionName[];

describe('expression differential (reference vs compiled on the embedded engine)', () => {
  // Counts over the whole file: the generators must mostly produce agents the checker accepts.
  const totals = { compared: 0, refused: 0 };

  it.each(functionNames)('%s agrees with the reference on generated data', async (name) => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(template(call(name, 1)), { minLength: 20, maxLength: 20 }), async (generated) => {
        const result = await runDifferentialBatch({ cases: toCases(generated), execute: embedded });
        compared += result.compared.length;
        totals.compared += result.compared.length;
        totals.refused += result.refused.length;
        if (result.mismatches.length) throw new Error(`${result.mismatches.length} mismatches:\n${report(result)}`);
      }),
      { seed: SEED, numRuns: 6, endOnFailure: true },
    );
    // At least half of the generated calls of this function reached the engine.
    expect(compared).toBeGreaterThanOrEqual(60);
  });

  it('operators, access paths and nested calls agree with the reference', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(template(expression(3)), { minLength: 25, maxLength: 25 }), async (generated) => {
        const result = await runDifferentialBatch({ cases: toCases(generated), execute: embedded });
        totals.compared += result.compared.length;
        totals.refused += result.refused.length;
        if (result.mismatches.length) throw new Error(`${result.mismatches.length} mismatches:\n${report(result)}`);
      }),
      { seed: SEED, numRuns: 20, endOnFailure: true },
    );
    expect(totals.compared).toBeGreaterThan(3 * totals.refused);
  });

  it('finds a case where the compiled expression and the reference differ (the check can fail)', async () => {
    // `where` over numbers as text: the reference compares values, so '5' is not 5. A workflow whose output is
    // changed after the fact must be reported, with the reference's value and the engine's.
    const cases: DifferentialCase[] = [
      { template: "{{ where(inputs.data.l, 'n', 5) }}", data: { l: [{ n: 5 }, { n: '5' }] } },
    ];
    const lying: WorkflowExecutor = async (workflow, inputs) => {
      const output = (await embedded(workflow, inputs)) as Record<string, unknown>;
      return { ...output, r0: [] };
    };
    const result = await runDifferentialBatch({ cases, execute: lying });
    expect(result.mismatches).toEqual([
      { template: cases[0]!.template, data: cases[0]!.data, reference: [{ n: 5 }], engine: [] },
    ]);
  });
});

describe('list functions with a field name (issue: they read nothing at run time)', () => {
  const objs = [
    { name: 'a', a: 1, price: '12.50' },
    { name: 'b', a: 2, price: '$1,000.25' },
    { name: 'c', price: null },
  ];
  it.each([
    ["{{ pluck(inputs.data.objs, 'name') }}", ['a', 'b', 'c']],
    ["{{ sum(inputs.data.objs, 'a') }}", 3],
    ["{{ sum(inputs.data.objs, 'price') }}", 1012.75],
    ["{{ avg(inputs.data.objs, 'a') }}", 1.5],
    ["{{ min(inputs.data.objs, 'price') }}", 12.5],
    ["{{ max(inputs.data.objs, 'a') }}", 2],
    ["{{ where(inputs.data.objs, 'name', 'b') }}", [objs[1]]],
    ["{{ pluck(sortBy(inputs.data.objs, 'a', 'desc'), 'name') }}", ['b', 'a', 'c']],
    ["{{ join(pluck(inputs.data.objs, 'name'), '/') }}", 'a/b/c'],
    ['{{ inputs.data.objs[inputs.data.i].name }}', 'b'],
    ['{{ inputs.data.objs[inputs.data.i][inputs.data.f] }}', 2],
  ])('%s is %j on the engine', async (source, expected) => {
    const result = await runDifferentialBatch({
      cases: [{ template: source, data: { objs, i: 1, f: 'a' } }],
      execute: async (workflow, inputs) => {
        const output = (await embedded(workflow, inputs)) as Record<string, unknown>;
        expect(output.r0).toEqual(expected);
        return output;
      },
    });
    expect(result.compared).toHaveLength(1);
    expect(result.mismatches).toEqual([]);
  });
});

describe("text templates in node parameters (n8n's own {{ }} where it renders the same)", () => {
  it('agree with the reference on generated inputs, bare and wrapped interpolations alike', async () => {
    let bare = 0;
    let wrapped = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(templateParameterCase, { minLength: 15, maxLength: 15 }), async (cases) => {
        const result = await runTemplateBatch({ cases, execute: embedded });
        for (const compiled of result.compiled) {
          // Both kinds of interpolation are exercised: bare JavaScript, and textOf's helper around the others.
          for (const [, code] of compiled.matchAll(/\{\{ ([\s\S]*?) \}\}/g))
            if (code!.startsWith(INTERPOLATE)) wrapped++;
            else bare++;
        }
        if (result.mismatches.length)
          throw new Error(
            `${result.mismatches.length} mismatches:\n${JSON.stringify(result.mismatches.slice(0, 3), null, 2)}`,
          );
      }),
      { seed: SEED, numRuns: 8, endOnFailure: true },
    );
    expect(bare).toBeGreaterThan(100);
    expect(wrapped).toBeGreaterThan(30);
  });

  it('finds the difference when an object is left bare (the check can fail)', async () => {
    const cases = [
      {
        template: 'Record: {{ inputs.record }}',
        inputs: { text: '', number: 0, count: 0, flag: false, record: { name: 'x' }, list: [] },
      },
    ];
    const forcedBare: WorkflowExecutor = (workflow, inputs) => {
      for (const node of workflow.nodes) {
        const assignments = (node.parameters.assignments as { assignments?: { value: unknown }[] } | undefined)
          ?.assignments;
        for (const a of assignments ?? []) if (typeof a.value === 'string') a.value = a.value.replace(INTERPOLATE, '');
      }
      return embedded(workflow, inputs);
    };
    const result = await runTemplateBatch({ cases, execute: forcedBare });
    expect(result.mismatches).toEqual([
      expect.objectContaining({ reference: 'Record: {"name":"x"}', engine: 'Record: [object Object]' }),
    ]);
  });
});
