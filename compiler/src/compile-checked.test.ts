import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAgentValidator } from '@ionflux/dsl';
import { compileAgent, compileChecked } from './compile';
import { createCompileCache } from './compile-cache';
import { layoutWorkflow } from './layout';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bigAgentText } = require('../../bench/dsl/big-agent') as { bigAgentText: () => string };

const examplesDir = join(__dirname, '..', '..', 'examples', 'agents');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => [f, readFileSync(join(examplesDir, f), 'utf8')] as const);

/** compileChecked on the incremental validator's result, beside compileAgent (the reference) on the same text. */
function expectSameAsCompileAgent(validator: ReturnType<typeof createAgentValidator>, text: string): void {
  const checked = validator.validate(text);
  const reference = compileAgent(text);
  expect(checked.agent).toBeDefined();
  const compiled = compileChecked({
    agent: checked.agent!,
    resolvedConnections: checked.resolvedConnections,
    interpolationTypes: checked.interpolationTypes,
    locator: checked.locator,
  });
  expect(compiled.workflow).toEqual(reference.workflow);
  expect(compiled.sourceMap).toEqual(reference.sourceMap);
  // Without the hash (the editor's graph): the same workflow but for the hash, left empty.
  const unhashed = compileChecked(
    {
      agent: checked.agent!,
      resolvedConnections: checked.resolvedConnections,
      interpolationTypes: checked.interpolationTypes,
      locator: checked.locator,
    },
    { hash: false },
  );
  expect(reference.workflow!.meta.ionflux.hash).toMatch(/^[0-9a-f]{64}$/);
  expect(unhashed.workflow.meta.ionflux.hash).toBe('');
  expect({ ...unhashed.workflow, meta: { ionflux: { ...unhashed.workflow.meta.ionflux, hash: 'x' } } }).toEqual({
    ...reference.workflow!,
    meta: { ionflux: { ...reference.workflow!.meta.ionflux, hash: 'x' } },
  });
  expect(unhashed.sourceMap).toEqual(reference.sourceMap);
}

describe('compileChecked (the editor worker: no second parse)', () => {
  it.each(examples)('%s: the same workflow and source map as compileAgent', (_file, text) => {
    expectSameAsCompileAgent(createAgentValidator(), text);
  });

  it('the 1,000-line agent, through cached segments, after edits that move lines', () => {
    const validator = createAgentValidator();
    let text = bigAgentText();
    expect(validator.validate(text).mode).toBe('segments');
    expectSameAsCompileAgent(validator, text);
    // A comment line inserted in the middle moves every later step's range down by one.
    const middle = text.indexOf('\n  - id:', text.length / 2);
    text = `${text.slice(0, middle)}\n    # a comment${text.slice(middle)}`;
    expectSameAsCompileAgent(validator, text);
    // A typed character inside a string.
    const at = text.indexOf('instructions: "Write a', text.length / 2) + 'instructions: "'.length;
    text = `${text.slice(0, at)}Now ${text.slice(at)}`;
    expect(validator.validate(text).mode).toBe('segments');
    expectSameAsCompileAgent(validator, text);
  });
});

describe('compileChecked with a cache (the editor worker, compiling at every keystroke)', () => {
  it('gives, after every edit, the workflow (hash included), IR and source map of compileAgent on the same text', () => {
    const validator = createAgentValidator();
    const cache = createCompileCache();
    const K = 16;
    const edits: ((t: string) => string)[] = [
      // Typing in a string; the next edits change what unchanged strings lower to, not the strings.
      (t) =>
        t.replace(
          `- id: email_${K}\n      name: Draft email\n      uses: llm.extract\n      with:\n        instructions: "`,
          (m) => `${m}Hi. `,
        ),
      // A list holding a template: its item's type changes with the input's below, the list (its parse) does not.
      (t) =>
        t.replace(
          `    - id: loyal_${K}\n`,
          `    - id: sort_${K}\n      uses: llm.classify\n      with: { text: "{{ inputs.goal }}", labels: ["tone {{ inputs.tone }}", other] }\n    - id: loyal_${K}\n`,
        ),
      // A referenced step's node name: `{{ steps.loyal_16.output.total }}` in email_16's text names its node.
      (t) => t.replace(`- id: loyal_${K}\n      name: Loyal customers`, `- id: loyal_${K}\n      name: Loyal buyers`),
      // An input's type: every step's `{{ inputs.tone }}` renders through the text conversion instead of natively.
      (t) =>
        t.replace(
          'tone: { type: string, default: friendly, enum: [friendly, premium, playful, urgent] }',
          'tone: { type: object }',
        ),
      // A loop, and an unchanged string's reference turned to it, then the loop renamed (its results node too).
      (t) =>
        t
          .replace(
            `    - id: loyal_${K}\n`,
            `    - id: each_${K}\n      forEach: "{{ steps.products_${K}.output.products }}"\n      steps:\n        - id: tell_${K}\n          uses: notify\n          with: { title: "{{ item.title }}", level: info }\n    - id: loyal_${K}\n`,
          )
          .replace(`{{ steps.loyal_${K}.output.total }}`, `{{ length(steps.each_${K}.output) }}`),
      (t) => t.replace(`- id: each_${K}\n`, `- id: each_${K}\n      name: Every product\n`),
      // A referenced step's id, and its references.
      (t) => t.replaceAll(`revenue_${K}`, `sales_${K}`),
      // Back to an input that renders natively.
      (t) => t.replace('tone: { type: object }', 'tone: { type: string }'),
    ];
    let text = bigAgentText();
    const compileBoth = () => {
      const checked = validator.validate(text);
      expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const cached = compileChecked(
        {
          agent: checked.agent!,
          resolvedConnections: checked.resolvedConnections,
          interpolationTypes: checked.interpolationTypes,
          locator: checked.locator,
        },
        { cache },
      );
      const reference = compileAgent(text);
      expect(cached.workflow).toEqual(reference.workflow);
      expect(cached.sourceMap).toEqual(reference.sourceMap);
      expect(cached.ir).toEqual(reference.ir);
      return reference.workflow!;
    };
    let before = compileBoth();
    for (const edit of edits) {
      const edited = edit(text);
      expect(edited).not.toBe(text);
      text = edited;
      const after = compileBoth();
      // Each edit changes the compiled workflow (so a stale reuse would show).
      expect(after.meta.ionflux.hash).not.toBe(before.meta.ionflux.hash);
      before = after;
    }
  });
});

describe('layoutWorkflow: recent layouts reused by shape', () => {
  it("gives the golden files' positions on repeated shapes, and copies its callers may change", () => {
    const goldens = examples.map(
      ([file]) =>
        JSON.parse(readFileSync(join(examplesDir, file.replace(/\.yaml$/, '.n8n.json')), 'utf8')) as {
          nodes: { name: string; position: [number, number] }[];
          connections: Parameters<typeof layoutWorkflow>[1];
        },
    );
    const golden = (w: (typeof goldens)[number]) => Object.fromEntries(w.nodes.map((n) => [n.name, n.position]));
    // Twice round, more shapes than it keeps: misses and hits both give the positions the goldens hold.
    for (let round = 0; round < 2; round++)
      for (const w of goldens) expect(layoutWorkflow(w.nodes, w.connections)).toEqual(golden(w));
    const w = goldens[0]!;
    const first = layoutWorkflow(w.nodes, w.connections);
    const [name] = Object.keys(first);
    first[name!]![0] += 1000;
    expect(layoutWorkflow(w.nodes, w.connections)[name!]).toEqual(golden(w)[name!]);
  });
});
