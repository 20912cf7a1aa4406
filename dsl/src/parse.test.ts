import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PARSE_LIMITS } from './parse';
import { validateAgent } from './validate';

const examplesDir = join(__dirname, '..', '..', 'examples', 'agents');
const exampleTexts = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(join(examplesDir, f), 'utf8'));

/** Every diagnostic must point inside the document and carry a known code. */
function expectWellFormed(text: string): void {
  const lineCount = text.split('\n').length;
  const result = validateAgent(text);
  for (const d of result.diagnostics) {
    expect(d.code).toMatch(/^IFX[1-5]\d\d$/);
    expect(['error', 'warning', 'info']).toContain(d.severity);
    expect(d.range.start.line).toBeGreaterThanOrEqual(1);
    expect(d.range.start.line).toBeLessThanOrEqual(lineCount);
    expect(d.range.start.col).toBeGreaterThanOrEqual(1);
    const endAfterStart = d.range.end.line > d.range.start.line || d.range.end.col >= d.range.start.col;
    expect(endAfterStart).toBe(true);
  }
}

describe('hostile input', () => {
  it('rejects an alias bomb with IFX102 instead of expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const bomb = `${levels.join('\n')}\n`;
    const result = validateAgent(bomb);
    // Refused before anything is expanded: one diagnostic, no agent, and it points at the document's aliases.
    expect(result.diagnostics.map((d) => d.code)).toEqual(['IFX102']);
    expect(result.agent).toBeUndefined();
    expect(result.diagnostics[0]!.range.start.line).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['flow sequences', `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['flow mappings', `a: ${'{a: '.repeat(50_000)}1${'}'.repeat(50_000)}`],
    ['compact block sequences', `${'- '.repeat(100_000)}x`],
    ['indented mappings', Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')],
  ])('refuses deep nesting of %s with IFX104, without overflowing the stack', (_, text) => {
    expect(validateAgent(text).diagnostics.map((d) => d.code)).toEqual(['IFX104']);
  });

  it('accepts nesting up to the limit', () => {
    const depth = PARSE_LIMITS.maxDepth - 2;
    const text = `a: ${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(validateAgent(text).diagnostics.map((d) => d.code)).not.toContain('IFX104');
  });

  it('refuses documents over 1 MiB (IFX103)', () => {
    const text = `${exampleTexts[0]!}\n# ${'x'.repeat(PARSE_LIMITS.maxDocumentLength)}`;
    expect(validateAgent(text).diagnostics.map((d) => d.code)).toEqual(['IFX103']);
  });

  it.each([
    ['empty text', '', 'IFX106'],
    ['only a comment', '# nothing\n', 'IFX106'],
    ['two documents', 'a: 1\n---\nb: 2\n', 'IFX105'],
    ['a custom tag', 'a: !!js/function "function () {}"\n', 'IFX107'],
    ['a duplicate key', 'a: 1\na: 2\n', 'IFX101'],
    ['a tab-indented mapping', 'a:\n\tb: 1\n', 'IFX100'],
    ['a NUL byte', 'a: "\u0000"\nb: [\n', 'IFX100'],
  ])('reports %s', (_, text, code) => {
    expect(validateAgent(text).diagnostics.map((d) => d.code)).toContain(code);
    expectWellFormed(text);
  });

  it('handles binary garbage and lone surrogates', () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    expectWellFormed(garbage);
    expectWellFormed('a: "\ud800"\n\udfff: x');
  });
});

describe('fuzz (seeded): validation never throws and always terminates', () => {
  const fuzzRuns = { seed: 20261127, numRuns: 300 };

  it('arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => {
        expectWellFormed(text);
      }),
      fuzzRuns,
    );
  });

  it('YAML-ish token soup', () => {
    const token = fc.constantFrom(
      '\n',
      '  ',
      '- ',
      ': ',
      '{',
      '}',
      '[',
      ']',
      ',',
      '&a ',
      '*a',
      '!!str ',
      '!t ',
      '"',
      "'",
      '|',
      '>',
      '#',
      '---',
      '...',
      '{{',
      '}}',
      'steps',
      'id',
      'uses',
      'if',
      'then',
      'forEach',
      'inputs.x',
      'steps.a.output',
      '?',
      '%YAML 1.2',
      '\t',
      '\\',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 200 }), (tokens) => {
        expectWellFormed(tokens.join(''));
      }),
      fuzzRuns,
    );
  });

  it('mutations of the example agents (insert, delete, duplicate slices)', () => {
    const mutation = fc.record({
      example: fc.integer({ min: 0, max: exampleTexts.length - 1 }),
      edits: fc.array(
        fc.record({
          kind: fc.constantFrom('insert', 'delete', 'duplicate'),
          at: fc.nat(),
          length: fc.integer({ min: 1, max: 40 }),
          text: fc.string({ maxLength: 8 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    });
    fc.assert(
      fc.property(mutation, ({ example, edits }) => {
        let text = exampleTexts[example]!;
        for (const edit of edits) {
          const at = edit.at % (text.length + 1);
          if (edit.kind === 'insert') text = text.slice(0, at) + edit.text + text.slice(at);
          else if (edit.kind === 'delete') text = text.slice(0, at) + text.slice(at + edit.length);
          else text = text.slice(0, at) + text.slice(at, at + edit.length) + text.slice(at);
        }
        expectWellFormed(text);
      }),
      fuzzRuns,
    );
  });
});
