import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnosticCatalog, type DiagnosticCode } from './diagnostics';
import { validateAgent } from './validate';

const examples = join(__dirname, '..', '..', 'examples');
const yamlFiles = (dir: string) =>
  readdirSync(join(examples, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort();

describe('example agents', () => {
  const files = yamlFiles('agents');

  it('has the ten core agents, each with its golden workflow', () => {
    expect(files).toHaveLength(10);
    for (const file of files)
      expect(existsSync(join(examples, 'agents', file.replace(/\.yaml$/, '.n8n.json')))).toBe(true);
  });

  it.each(files)('%s is valid, without warnings, and says what it does', (file) => {
    const text = readFileSync(join(examples, 'agents', file), 'utf8');
    const result = validateAgent(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.agent?.metadata.name).toBe(file.replace(/\.yaml$/, ''));
    expect(text).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/\.\.\/dsl\/schema\/agent\.schema\.json\n#\n# \S.*\n# \S/,
    );
  });
});

/** `# expect: IFX301 @ 24:58` lines at the top of each invalid example. */
function expectations(text: string): string[] {
  return [...text.matchAll(/^# expect: (IFX\d{3}) @ (\d+):(\d+)$/gm)].map((m) => `${m[1]} @ ${m[2]}:${m[3]}`).sort();
}

describe('invalid agents (examples/invalid)', () => {
  it.each(yamlFiles('invalid'))('%s yields exactly its expected codes at their positions', (file) => {
    const text = readFileSync(join(examples, 'invalid', file), 'utf8');
    const expected = expectations(text);
    expect(expected.length).toBeGreaterThan(0);
    const actual = validateAgent(text)
      .diagnostics.map((d) => `${d.code} @ ${d.range.start.line}:${d.range.start.col}`)
      .sort();
    expect(actual).toEqual(expected);
  });

  it('cover every diagnostic family', () => {
    const codes = new Set(
      yamlFiles('invalid').flatMap((file) =>
        expectations(readFileSync(join(examples, 'invalid', file), 'utf8')).map((e) => e.slice(0, 4)),
      ),
    );
    expect([...codes].sort()).toEqual(['IFX1', 'IFX2', 'IFX3', 'IFX4', 'IFX5']);
  });
});

describe('diagnostic catalog', () => {
  const codes = Object.keys(diagnosticCatalog) as DiagnosticCode[];

  // IFX103 needs a 1 MiB document (tested below); IFX6xx come from decompiling workflows (compiler tests).
  it.each(codes.filter((code) => code !== 'IFX103' && !code.startsWith('IFX6')))(
    'the documented example of %s produces it',
    (code) => {
      const { example, severity } = diagnosticCatalog[code];
      const produced = validateAgent(example).diagnostics.filter((d) => d.code === code);
      expect(produced.length).toBeGreaterThan(0);
      expect(produced[0]!.severity).toBe(severity);
    },
  );

  it('IFX103: a document over 1 MiB is refused before parsing', () => {
    const huge = `apiVersion: ionflux/v1\n# ${'x'.repeat(1024 * 1024)}\n`;
    expect(validateAgent(huge).diagnostics.map((d) => d.code)).toEqual(['IFX103']);
  });

  it('uses stable codes in six families', () => {
    for (const code of codes) expect(code).toMatch(/^IFX[1-6]\d\d$/);
  });
});

describe('diagnostics', () => {
  it('have the documented shape with 1-based, end-exclusive ranges', () => {
    const text = readFileSync(join(examples, 'invalid', 'typos-everywhere.yaml'), 'utf8');
    const unknownInput = validateAgent(text).diagnostics.find((d) => d.code === 'IFX301')!;
    expect(unknownInput).toEqual({
      code: 'IFX301',
      severity: 'error',
      message: "Unknown input 'treshold' (did you mean 'threshold'?); declare it under spec.inputs.",
      path: ['spec', 'steps', 0, 'if'],
      range: { start: { line: 24, col: 58 }, end: { line: 24, col: 66 } },
      suggestion: 'threshold',
    });
    const line = text.split('\n')[23]!;
    expect(line.slice(57, 65)).toBe('treshold');
  });

  it('are all collected in one pass and sorted by position', () => {
    const text = readFileSync(join(examples, 'invalid', 'schema-shapes.yaml'), 'utf8');
    const diagnostics = validateAgent(text).diagnostics;
    expect(diagnostics.length).toBeGreaterThan(10);
    const positions = diagnostics.map((d) => d.range.start.line * 1000 + d.range.start.col);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('return the typed agent only when there is no error', () => {
    const valid = readFileSync(join(examples, 'agents', 'revenue-tracker-lite.yaml'), 'utf8');
    expect(validateAgent(valid).agent?.spec.steps[0]).toMatchObject({ id: 'revenue', uses: 'shopify.revenue.summary' });
    expect(
      validateAgent(valid.replace('uses: shopify.revenue.summary', 'uses: shopify.revenue.sumary')).agent,
    ).toBeUndefined();
  });

  it('infer the connection a step uses when it names none', () => {
    const text = readFileSync(join(examples, 'agents', 'email-wizard.yaml'), 'utf8');
    expect(Object.fromEntries(validateAgent(text).resolvedConnections)).toEqual({
      revenue: 'store',
      products: 'store',
      loyal: 'store',
      email: 'model',
    });
  });
});
