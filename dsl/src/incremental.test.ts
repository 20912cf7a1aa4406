import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAgentValidator, cutAgentText, MIN_LINES_FOR_SEGMENTS as MIN_LINES } from './incremental';
import { validateAgent } from './validate';

const examplesDir = join(__dirname, '..', '..', 'examples', 'agents');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(join(examplesDir, f), 'utf8'));

/** A long agent (like one a power user grows over months): an example with its steps repeated under new ids. */
function bigAgent(example: string, copies: number): string {
  const layout = cutAgentText(example)!;
  const lines = example.split('\n');
  const stepsText = layout.steps
    .map((s) => s.text)
    .join('')
    .replace(/\n$/, '');
  const extra: string[] = [];
  for (let copy = 1; copy <= copies; copy++) {
    // Rename every step id and the references to it, so the copy is as valid as the original.
    let text = stepsText;
    for (const match of stepsText.matchAll(/\bid: ([a-zA-Z_]\w*)/g)) {
      const id = match[1]!;
      text = text.replace(new RegExp(`(id: |steps\\.)${id}\\b`, 'g'), `$1${id}_${copy}`);
    }
    extra.push(text);
  }
  const insertAt =
    layout.steps[layout.steps.length - 1]!.firstLine + layout.steps[layout.steps.length - 1]!.text.split('\n').length;
  return [...lines.slice(0, insertAt), ...extra, ...lines.slice(insertAt)].join('\n');
}

const big = examples.map((example) => bigAgent(example, 20));

describe('incremental validation', () => {
  it('cuts a document into header and one segment per step', () => {
    const text = readFileSync(join(examplesDir, 'inventory-guardian.yaml'), 'utf8');
    const layout = cutAgentText(text)!;
    expect(layout.steps.map((s) => s.text.split('\n')[0]!.trim())).toEqual(['- id: low', '- id: any']);
    expect(layout.header.split('\n')).toHaveLength(text.split('\n').length);
    expect(layout.header).toContain('  handlers:');
    expect(layout.header).not.toContain('- id: low');
  });

  it('uses segments for big agents and agrees with validateAgent on them', () => {
    for (const text of big) {
      expect(text.split('\n').length).toBeGreaterThan(MIN_LINES);
      const result = createAgentValidator().validate(text);
      expect(result.mode).toBe('segments');
      expect(result.diagnostics).toEqual(validateAgent(text).diagnostics);
      expect(result.value).toEqual(validateAgent(text).value);
    }
  });

  it('agrees with validateAgent after random edits (seeded), reusing its cache across calls', () => {
    const edit = fc.record({
      example: fc.integer({ min: 0, max: big.length - 1 }),
      edits: fc.array(
        fc.record({
          at: fc.nat(),
          remove: fc.integer({ min: 0, max: 6 }),
          insert: fc.constantFrom(
            '',
            'x',
            ' ',
            '\n',
            ': ',
            '- ',
            '{{ steps.',
            'inputs.',
            '}}',
            '"',
            '#',
            'id: dup',
            '[',
            '*a',
            '&a ',
          ),
        }),
        { minLength: 1, maxLength: 8 },
      ),
    });
    fc.assert(
      fc.property(edit, ({ example, edits }) => {
        const validator = createAgentValidator();
        let text = big[example]!;
        validator.validate(text);
        for (const change of edits) {
          const at = change.at % (text.length + 1);
          text = text.slice(0, at) + change.insert + text.slice(at + change.remove);
          const incremental = validator.validate(text);
          const reference = validateAgent(text);
          const parseErrors = reference.diagnostics.filter((d) => d.code.startsWith('IFX1'));
          if (parseErrors.length === 0 && incremental.diagnostics.every((d) => !d.code.startsWith('IFX1'))) {
            expect(incremental.diagnostics).toEqual(reference.diagnostics);
          } else {
            // Broken YAML: both report it (a segment may place the error on another line of the same step).
            expect(incremental.diagnostics.some((d) => d.code.startsWith('IFX1'))).toBe(true);
            expect(parseErrors.length).toBeGreaterThan(0);
          }
        }
      }),
      { seed: 1127, numRuns: 30 },
    );
  });

  it('falls back to a full parse for small documents, flow-style steps and aliases across steps', () => {
    const validator = createAgentValidator();
    expect(validator.validate(examples[0]!).mode).toBe('full');
    const flow = `${big[0]!.replace(/\n {2}steps:\n/, '\n  steps: []\n  unused:\n')}`;
    expect(validator.validate(flow).mode).toBe('full');
    const anchored = big[1]!.replace('  trigger:', '  x-anchor: &title Hello\n  trigger:');
    expect(validator.validate(anchored).diagnostics).toEqual(validateAgent(anchored).diagnostics);
  });
});
