import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAgentValidator } from '@ionflux/dsl';
import { compileAgent, compileChecked } from './compile';
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
