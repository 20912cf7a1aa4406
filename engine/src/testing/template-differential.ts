import fc from 'fast-check';
import { compileAgent, type N8nWorkflow } from '@ionflux/compiler';
import { evaluateTemplate, parseTemplate } from '@ionflux/dsl';
import { asJson, type WorkflowExecutor } from './expression-differential';

/**
 * The differential of text templates written as node parameters. The compiler writes a parameter's template in
 * n8n's own form (`=Order {{ js }} is late`), leaving an interpolation bare when the checker proved n8n renders its
 * value as the DSL does, and keeping `textOf` around the others. Here templates over typed inputs are compiled as
 * parameters of real steps, and each compiled parameter is then evaluated by n8n (a Set node in place of the agent's
 * Output node, so the executed text is exactly the compiled parameter); the result must equal the DSL reference.
 */

/** The typed inputs every batch declares (`absent` is never given a value). */
const INPUTS = {
  text: 'string',
  number: 'number',
  count: 'integer',
  flag: 'boolean',
  record: 'object',
  list: 'array',
  absent: 'string',
} as const;

export type TemplateInputs = { [K in Exclude<keyof typeof INPUTS, 'absent'>]: unknown };

/** Interpolations over the inputs: bare ones (typed text, numbers, booleans) and ones that need `textOf`. */
const INTERPOLATIONS = [
  'inputs.text',
  'inputs.number',
  'inputs.count',
  'inputs.flag',
  'inputs.absent',
  'inputs.record',
  'inputs.list',
  'inputs.record.name',
  'upper(inputs.text)',
  'trim(inputs.text)',
  'length(inputs.list)',
  'length(inputs.text)',
  'round(inputs.number, 2)',
  'money(inputs.number, "EUR")',
  'percent(inputs.number)',
  'sum(inputs.list)',
  'max(inputs.list)',
  'first(inputs.list)',
  'join(inputs.list, "/")',
  'json(inputs.record)',
  'inputs.text == "a"',
  'inputs.number > 1',
  '!inputs.flag',
  'inputs.flag ? inputs.text : inputs.number',
  'inputs.flag ? inputs.count : null',
  'inputs.number / inputs.count',
  'inputs.number * 1',
  'inputs.text + inputs.count',
  'default(inputs.absent, "none")',
  'string(inputs.record)',
];

/** Text between interpolations: plain words and punctuation, newlines, and (rarely) braces or backslashes. */
const TEXT = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('', ' ', 'Order ', ' for ', ': ', ' (', ') ', '\n', ' — ', '. ', '%', '$') },
  { weight: 1, arbitrary: fc.constantFrom(' { ', ' } ', ' \\ ', '\\n') },
);

export interface TemplateParameterCase {
  template: string;
  inputs: TemplateInputs;
}

const numberValue = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.constantFrom(0, -0, 0.1, 1e21, 1.005),
);
const jsonScalar = fc.oneof(fc.string({ maxLength: 6 }), numberValue, fc.boolean(), fc.constant(null));

/** One template (2 to 4 interpolations) and the inputs of its run. */
export const templateParameterCase: fc.Arbitrary<TemplateParameterCase> = fc.record({
  template: fc
    .array(fc.tuple(TEXT, fc.constantFrom(...INTERPOLATIONS)), { minLength: 2, maxLength: 4 })
    .chain((pieces) => TEXT.map((end) => pieces.map(([text, e]) => `${text}{{ ${e} }}`).join('') + end))
    // A template is text with interpolations: it must not be one whole expression.
    .filter((template) => !template.startsWith('{{') || !template.endsWith('}}')),
  inputs: fc.record({
    text: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('a', ' a ', '', '{{', '0')),
    number: numberValue,
    count: fc.integer({ min: -3, max: 12 }),
    flag: fc.boolean(),
    record: fc.dictionary(fc.constantFrom('name', 'x', 'y z'), jsonScalar, { maxKeys: 3 }),
    list: fc.array(fc.oneof(jsonScalar, numberValue), { maxLength: 4 }),
  }),
});

/** An agent whose (never taken) branch has one notify step per template, its body the template. */
function templateAgent(templates: string[]): string {
  const inputs = Object.entries(INPUTS)
    .map(([name, type]) => `    ${name}: { type: ${type} }\n`)
    .join('');
  const steps = templates
    .map(
      (template, i) =>
        `        - { id: t${i}, uses: notify, with: { title: t${i}, body: ${JSON.stringify(template)} } }\n`,
    )
    .join('');
  return `apiVersion: ionflux/v1
kind: Agent
metadata: { name: template-differential, version: 1.0.0 }
spec:
  inputs:
${inputs}    never: { type: boolean, default: false }
  trigger: { manual: {} }
  steps:
    - id: gate
      if: "{{ inputs.never }}"
      then:
${steps}  output:
    value: done
`;
}

export interface TemplateBatchResult {
  /** The compiled parameter of each template. */
  compiled: string[];
  mismatches: { template: string; compiled: string; inputs: TemplateInputs; reference: unknown; engine: unknown }[];
}

/**
 * Compiles the templates as notify bodies, then runs, for each case on its own inputs, a workflow whose Output node
 * is a Set node assigning every compiled body as text (`value.r<i>`); compares with the reference.
 */
export async function runTemplateBatch({
  cases,
  execute,
}: {
  cases: TemplateParameterCase[];
  execute: WorkflowExecutor;
}): Promise<TemplateBatchResult> {
  const compiled = compileAgent(templateAgent(cases.map((c) => c.template)));
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !compiled.workflow)
    throw new Error(`The template agent is invalid: ${JSON.stringify(errors.slice(0, 3))}`);
  const workflow = compiled.workflow;
  const roles = workflow.meta.ionflux.nodes;
  const bodies = cases.map((_, i) => {
    const node = workflow.nodes.find((n) => roles[n.name]?.path.join('.') === `spec.steps.0.then.${i}`);
    if (!node) throw new Error(`no node for template ${i}`);
    return String(node.parameters.body);
  });
  const mismatches: TemplateBatchResult['mismatches'] = [];
  for (const [i, testCase] of cases.entries()) {
    const executed: N8nWorkflow = structuredClone(workflow);
    const output = executed.nodes.find((n) => roles[n.name]?.role === 'output')!;
    output.parameters = {
      mode: 'manual',
      assignments: { assignments: [{ id: 'r', name: 'value.r', value: bodies[i], type: 'string' }] },
      includeOtherFields: false,
      options: {},
    };
    // The run receives its inputs as JSON (-0 arrives as 0): the reference reads the same.
    const inputs = JSON.parse(JSON.stringify(testCase.inputs)) as TemplateInputs;
    const reference = asJson(evaluateTemplate(parseTemplate(testCase.template), { inputs }));
    let engine: unknown;
    try {
      engine = asJson(((await execute(executed, testCase.inputs)) as { r?: unknown } | null)?.r);
    } catch (error) {
      engine = { error: (error as Error).message };
    }
    if (JSON.stringify(reference) !== JSON.stringify(engine))
      mismatches.push({
        template: testCase.template,
        compiled: bodies[i]!,
        inputs: testCase.inputs,
        reference,
        engine,
      });
  }
  return { compiled: bodies, mismatches };
}
