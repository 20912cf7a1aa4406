import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { LineCounter, parseDocument } from 'yaml';
import { validateAgent } from './validate';

/** An agent whose notify title is `scalar` (source lines, the first one after `title:`), the key indented by 8. */
function agentWithTitle(scalar: string): string {
  return [
    'apiVersion: ionflux/v1',
    'kind: Agent',
    'metadata: { name: positions, version: 1.0.0 }',
    'spec:',
    '  inputs:',
    '    threshold: { type: number, default: 1 }',
    '  trigger: { manual: {} }',
    '  steps:',
    '    - id: note',
    '      uses: notify',
    '      with:',
    `        title: ${scalar}`,
    '',
  ].join('\n');
}

/** Where `needle` is in `text` (1-based line and column), an oracle independent of the mapping under test. */
function positionOf(text: string, needle: string): { line: number; col: number } {
  const offset = text.indexOf(needle);
  expect(offset).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(needle, offset + 1)).toBe(-1);
  const lineCounter = new LineCounter();
  parseDocument(text, { lineCounter });
  return lineCounter.linePos(offset);
}

/** The unknown-input diagnostic of `{{ inputs.treshold }}`: where it starts and ends. */
function typoRange(text: string) {
  // (The declared input goes unused: IFX315, a warning, is not what this is about.)
  const diagnostics = validateAgent(text).diagnostics.filter((d) => d.code !== 'IFX315');
  expect(diagnostics.map((d) => d.code)).toEqual(['IFX301']);
  return diagnostics[0]!.range;
}

const TITLE_LINE = 12;

describe('diagnostics inside multi-line strings point at the expression', () => {
  const cases: [string, string][] = [
    ['literal', '|\n          Order summary\n          total {{ inputs.treshold }} now\n'],
    ['literal, strip', '|-\n          first\n\n          {{ inputs.treshold }}'],
    ['literal, keep', '|+\n          first\n          x {{ inputs.treshold }}\n\n'],
    ['literal, indentation indicator', '|2\n            more indented\n          {{ inputs.treshold }}'],
    ['literal, indicator and chomping', '|4-\n              a\n            b {{ inputs.treshold }}'],
    ['literal, leading empty lines', '|\n\n\n          x\n          {{ inputs.treshold }}'],
    ['folded', '>\n          a folded\n          line and {{ inputs.treshold }}\n'],
    ['folded, strip', '>-\n          one\n\n          two\n            more {{ inputs.treshold }}'],
    ['folded, indicator', '>1\n           one\n            two\n           three {{ inputs.treshold }}'],
    ['plain over lines', 'first line\n          second {{ inputs.treshold }} line'],
    ['plain with an empty line', 'first line\n\n          second {{ inputs.treshold }}'],
    ['single quoted', "'it''s\n          here: {{ inputs.treshold }}'"],
    ['single quoted, folded lines', "'a   \n\n          b''s   \n             c {{ inputs.treshold }}'"],
    ['double quoted, escapes', '"tab\\there \\"q\\" \\u00e9\\U0001F600 {{ inputs.treshold }}"'],
    ['double quoted over lines', '"first \\"line\\"\n          second\n\n          {{ inputs.treshold }}"'],
    ['double quoted, escaped line break', '"joined\\\n          up {{ inputs.treshold }}"'],
    ['double quoted, trailing spaces', '"a   \n            b \\t  \n          c {{ inputs.treshold }}"'],
  ];

  it.each(cases)('%s', (_name, scalar) => {
    const text = agentWithTitle(scalar);
    const start = positionOf(text, 'treshold');
    expect(start.line).toBeGreaterThan(TITLE_LINE - (scalar.includes('\n') ? 0 : 1));
    expect(typoRange(text)).toEqual({ start, end: { line: start.line, col: start.col + 'treshold'.length } });
  });

  it('still points at the expression in a one-line string', () => {
    const text = agentWithTitle('"x {{ inputs.treshold }}"');
    expect(typoRange(text).start).toEqual(positionOf(text, 'treshold'));
  });
});

// ------------------------------------------------------------------------------------------- property

type Style = 'block' | 'plain' | 'single' | 'double';

const word = fc
  .array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')), { minLength: 1, maxLength: 6 })
  .map((chars) => chars.join(''));
/** Text of one line in a style: words and, in quoted styles, characters that must be escaped or doubled. */
const unicodeWords = fc.constantFrom('é', '日本', '😀', 'ß');
const lineWords = (style: Style) =>
  fc.array(
    style === 'double'
      ? fc.oneof(word, unicodeWords, fc.constantFrom('\\"', '\\\\', '\\t', '\\u00e9', '\\x41', '\\U0001F600'))
      : style === 'single'
        ? fc.oneof(word, unicodeWords, fc.constant("''"))
        : fc.oneof(word, unicodeWords),
    { minLength: 1, maxLength: 5 },
  );

const blockHeader = fc.record({
  mode: fc.constantFrom('|', '>'),
  chomp: fc.constantFrom('', '-', '+'),
  indicator: fc.constantFrom(0, 1, 2, 3),
  indicatorFirst: fc.boolean(),
});

const scenario = fc
  .record({
    style: fc.constantFrom<Style>('block', 'plain', 'single', 'double'),
    header: blockHeader,
    lineCount: fc.integer({ min: 1, max: 6 }),
    seedLines: fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 2 })), { minLength: 6, maxLength: 6 }),
    errorAt: fc.nat(),
    errorWord: fc.nat(),
    escapedBreak: fc.boolean(),
  })
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      words: fc.array(lineWords(s.style), { minLength: s.lineCount, maxLength: s.lineCount }),
    }),
  );

/** Builds the scalar's source: lines of words, some empty, with `{{ inputs.treshold }}` inserted in one line. */
function buildScalar({ s, words }: ScenarioValue): string {
  // Some lines are left empty; in a flow scalar not the last one (its closing quote must stay indented).
  const blankable = (i: number) => i > 0 && (s.style === 'block' || i < words.length - 1);
  const lines = words.map((w, i) => (blankable(i) && s.seedLines[i]![0] && i !== s.errorAt % words.length ? [] : w));
  const target = s.errorAt % lines.length;
  const targetLine = lines[target]!.length ? [...lines[target]!] : ['x'];
  targetLine.splice(s.errorWord % (targetLine.length + 1), 0, '{{ inputs.treshold }}');
  lines[target] = targetLine;
  const texts = lines.map((l) => l.join(' '));
  if (s.style === 'block') {
    const { mode, chomp, indicator, indicatorFirst } = s.header;
    const digits = indicator ? String(indicator) : '';
    const header = mode + (indicatorFirst ? digits + chomp : chomp + digits);
    // Auto-detected indentation is the first content line's: the others may be indented more.
    const indent = 8 + (indicator || 2);
    const firstContent = texts.findIndex((t) => t !== '');
    return [
      header,
      ...texts.map((t, i) =>
        t === '' ? '' : ' '.repeat(indent + (i === firstContent && !indicator ? 0 : s.seedLines[i]![1])) + t,
      ),
    ].join('\n');
  }
  // Flow scalars: the first line follows `title: `, continuation lines are indented past the key.
  if (s.style === 'plain') texts[0] = `x ${texts[0]}`; // a plain scalar cannot start with `{`
  const quote = s.style === 'single' ? "'" : s.style === 'double' ? '"' : '';
  const body = texts
    .map((t, i) => {
      if (i === 0) return t;
      const pad = ' '.repeat(10 + s.seedLines[i]![1]);
      return t === '' ? '' : pad + t;
    })
    .map((t, i, all) =>
      s.style === 'double' && s.escapedBreak && i < all.length - 1 && t !== '' && all[i + 1] !== '' ? `${t}\\` : t,
    )
    .join('\n');
  return `${quote}${body}${quote}`;
}

type ScenarioValue = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

describe('diagnostic positions in every scalar style (property)', () => {
  it('reports the range of the misspelled input wherever the expression sits', () => {
    fc.assert(
      fc.property(scenario, (value) => {
        const text = agentWithTitle(buildScalar(value));
        const parsed = parseDocument(text).getIn(['spec', 'steps', 0, 'with', 'title']);
        fc.pre(typeof parsed === 'string' && parsed.includes('{{ inputs.treshold }}'));
        const start = positionOf(text, 'treshold');
        expect(typoRange(text)).toEqual({ start, end: { line: start.line, col: start.col + 'treshold'.length } });
      }),
      { seed: 20261202, numRuns: 200 },
    );
  });
});
