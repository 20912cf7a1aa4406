import { compileAgent, type N8nWorkflow } from '@ionflux/compiler';
import { evaluateTemplate, parseTemplate, type ReferenceClock } from '@ionflux/dsl';

/**
 * The expression differential: DSL templates evaluated (a) by `@ionflux/dsl`'s reference evaluator and (b) compiled
 * by `@ionflux/compiler` and run as an n8n workflow, must give the same values. The executor is a parameter so the
 * same cases run on the embedded engine (engine tests) and on a real n8n server (the real-n8n lane).
 *
 * A batch of cases becomes one agent: every case is an entry of `spec.output.value` (`r0`, `r1`, ...), reading its
 * generated data from one object input (`inputs.data`). Values are compared as JSON (what both sides can carry).
 */

/** One template (`"{{ sum(inputs.data.v0, 'price') }}"` or `"total: {{ ... }}"`) over generated data. */
export interface DifferentialCase {
  template: string;
  /** Values the template reads as `inputs.data.<name>`; names must be unique within a batch. */
  data: Record<string, unknown>;
}

/** Runs a compiled workflow with the given inputs and answers its output (the Output node's value). */
export type WorkflowExecutor = (workflow: N8nWorkflow, inputs: Record<string, unknown>) => Promise<unknown>;

export interface DifferentialMismatch {
  template: string;
  data: Record<string, unknown>;
  reference: unknown;
  /** What the workflow produced, or its error. */
  engine: unknown;
}

export interface DifferentialBatchResult {
  /** Cases compared. */
  compared: DifferentialCase[];
  /** Cases the DSL checker refused (type errors the generator could not avoid), with the first diagnostic. */
  refused: { template: string; diagnostic: string }[];
  mismatches: DifferentialMismatch[];
}

const AGENT_HEADER = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: expression-differential, version: 1.0.0 }
spec:
  inputs:
    data: { type: object }
  trigger: { manual: {} }
  steps:
    # The agent needs a step; this branch never runs (its condition is false for the generated data).
    - id: gate
      if: "{{ inputs.data.__never == true }}"
      then:
        - { id: never, uses: notify, with: { title: never } }
  output:
    value:
`;

/** The agent YAML for a batch: output entry `r<i>` is template i (JSON strings are YAML double-quoted scalars). */
export function differentialAgent(templates: string[]): string {
  return AGENT_HEADER + templates.map((template, i) => `      r${i}: ${JSON.stringify(template)}\n`).join('');
}

/** JSON's view of a value: what survives the trip through n8n items (undefined dropped, NaN as null, -0 as 0). */
export function asJson(value: unknown): unknown {
  const text = JSON.stringify({ value });
  return (JSON.parse(text) as { value?: unknown }).value ?? null;
}

function referenceValue(testCase: DifferentialCase, clock: ReferenceClock): unknown {
  try {
    // The workflow receives the data as JSON: the reference reads the same (plain objects, no undefined).
    const data = JSON.parse(JSON.stringify(testCase.data)) as unknown;
    return asJson(evaluateTemplate(parseTemplate(testCase.template), { inputs: { data } }, clock));
  } catch (error) {
    return { referenceError: (error as Error).message };
  }
}

const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * Compiles and runs a batch, compares every case with the reference. Cases the checker refuses are left out (and
 * listed); when the workflow as a whole fails, each case is run on its own to find the ones that fail.
 */
export async function runDifferentialBatch({
  cases,
  execute,
}: {
  cases: DifferentialCase[];
  execute: WorkflowExecutor;
}): Promise<DifferentialBatchResult> {
  const refused: DifferentialBatchResult['refused'] = [];
  let kept = cases;
  // Drop cases the checker refuses, then compile what is left.
  for (;;) {
    const compiled = compileAgent(differentialAgent(kept.map((c) => c.template)));
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
    if (!errors.length && compiled.workflow) break;
    const refusedIndexes = new Set<number>();
    for (const error of errors) {
      const index = outputIndex(error.path);
      if (index === undefined) throw new Error(`The differential agent itself is invalid: ${JSON.stringify(error)}`);
      if (!refusedIndexes.has(index))
        refused.push({ template: kept[index]!.template, diagnostic: `${error.code} ${error.message}` });
      refusedIndexes.add(index);
    }
    kept = kept.filter((_, i) => !refusedIndexes.has(i));
    if (!kept.length) return { compared: [], refused, mismatches: [] };
  }
  for (;;) {
    const started = Date.now();
    const outcome = await runCases(kept, execute, { now: () => started });
    if (dayOf(started) === dayOf(Date.now())) return { compared: kept, refused, mismatches: outcome };
    // The UTC day changed during the run: today()/daysAgo() can differ from the reference's clock; run again.
  }
}

async function runCases(
  cases: DifferentialCase[],
  execute: WorkflowExecutor,
  clock: ReferenceClock,
): Promise<DifferentialMismatch[]> {
  const { workflow } = compileAgent(differentialAgent(cases.map((c) => c.template)));
  const data = Object.assign({}, ...cases.map((c) => c.data)) as Record<string, unknown>;
  let output: unknown;
  try {
    output = await execute(workflow!, { data });
  } catch (error) {
    if (cases.length === 1) {
      return [
        {
          template: cases[0]!.template,
          data: cases[0]!.data,
          reference: referenceValue(cases[0]!, clock),
          engine: { error: (error as Error).message },
        },
      ];
    }
    // Find the cases that fail on their own.
    const mismatches: DifferentialMismatch[] = [];
    for (const single of cases) mismatches.push(...(await runCases([single], execute, clock)));
    return mismatches;
  }
  const values = (output ?? {}) as Record<string, unknown>;
  const mismatches: DifferentialMismatch[] = [];
  cases.forEach((testCase, i) => {
    const reference = referenceValue(testCase, clock);
    const engine = asJson(values[`r${i}`]);
    if (JSON.stringify(reference) !== JSON.stringify(engine)) {
      mismatches.push({ template: testCase.template, data: testCase.data, reference, engine });
    }
  });
  return mismatches;
}

/** `['spec', 'output', 'value', 'r3', ...]` -> 3. */
function outputIndex(path: readonly (string | number)[]): number | undefined {
  if (path[0] !== 'spec' || path[1] !== 'output' || path[2] !== 'value' || typeof path[3] !== 'string')
    return undefined;
  const match = /^r(\d+)$/.exec(path[3]);
  return match ? Number(match[1]) : undefined;
}
