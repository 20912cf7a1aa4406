import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateAgent } from '@ionflux/dsl';
import type { CliIO } from './io';
import { runCli } from './main';

const root = join(__dirname, '..', '..');

function capture(cwd = root): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd, env: {}, isTTY: false };
}

describe('ionflux validate', () => {
  it('passes the example agents (exit 0)', async () => {
    const io = capture();
    expect(await runCli(['validate', 'examples/agents'], io)).toBe(0);
    expect(io.out.join('')).toContain('10 files, 0 with errors');
  });

  it('prints file:line:col, code, message and a caret line, and exits 1 on errors', async () => {
    const io = capture();
    expect(await runCli(['validate', 'examples/invalid/typos-everywhere.yaml'], io)).toBe(1);
    const text = io.out.join('');
    expect(text).toContain(
      "examples/invalid/typos-everywhere.yaml:24:58: error IFX301: Unknown input 'treshold' (did you mean 'threshold'?); declare it under spec.inputs.\n" +
        '   24 |       if: "{{ number(trigger.order.total_price) > inputs.treshold }}"\n' +
        '      |                                                          ^^^^^^^^\n',
    );
    expect(text).toContain('✗ examples/invalid/typos-everywhere.yaml (4 errors, 3 warnings)');
  });

  it('prints the documented JSON shape with --format json', async () => {
    const io = capture();
    expect(
      await runCli(
        ['validate', '--format', 'json', 'examples/invalid/broken-yaml.yaml', 'examples/agents/ugc-matchmaker.yaml'],
        io,
      ),
    ).toBe(1);
    const report = JSON.parse(io.out.join(''));
    expect(report.files.map((f: { file: string }) => f.file)).toEqual([
      'examples/invalid/broken-yaml.yaml',
      'examples/agents/ugc-matchmaker.yaml',
    ]);
    expect(report.files[0].diagnostics[0]).toEqual({
      code: 'IFX100',
      severity: 'error',
      message: expect.any(String),
      path: [],
      range: { start: { line: 9, col: 1 }, end: { line: 9, col: 2 } },
    });
    expect(report.files[1].diagnostics).toEqual([]);
  });

  it('exits 0 when there are only warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionflux-cli-'));
    const text = readFileSync(join(root, 'examples/agents/revenue-tracker-lite.yaml'), 'utf8').replace(
      'spec:\n  inputs:\n',
      'spec:\n  inputs:\n    unused: { type: string, default: x }\n',
    );
    writeFileSync(join(dir, 'warn.yaml'), text);
    const io = capture(dir);
    expect(await runCli(['validate', 'warn.yaml'], io)).toBe(0);
    expect(io.out.join('')).toContain('warning IFX315');
  });

  it('reports unreadable files and bad options as usage errors (exit 2)', async () => {
    const io = capture();
    expect(await runCli(['validate', 'missing.yaml'], io)).toBe(2);
    expect(io.err.join('')).toContain('Cannot read missing.yaml');
    expect(await runCli(['validate', '--format', 'xml', 'examples/agents'], capture())).toBe(2);
  });
});

describe('ionflux schema and init', () => {
  it('prints the published schema', async () => {
    const io = capture();
    expect(await runCli(['schema'], io)).toBe(0);
    expect(JSON.parse(io.out.join(''))).toEqual(
      JSON.parse(readFileSync(join(root, 'dsl/schema/agent.schema.json'), 'utf8')),
    );
  });

  it('writes a valid starter agent whose modeline points at the schema, and refuses to overwrite it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionflux-init-'));
    expect(await runCli(['init', 'weekly-digest', '--dir', dir], capture())).toBe(0);
    const text = readFileSync(join(dir, 'weekly-digest.yaml'), 'utf8');
    expect(validateAgent(text).diagnostics).toEqual([]);
    const schemaPath = /\$schema=(\S+)/.exec(text)![1]!;
    expect(JSON.parse(readFileSync(join(dir, schemaPath), 'utf8')).title).toBe('IONFLUX Agent');
    const again = capture();
    expect(await runCli(['init', 'weekly-digest', '--dir', dir], again)).toBe(2);
    expect(again.err.join('')).toContain('--force');
    expect(await runCli(['init', 'Bad Name', '--dir', dir], capture())).toBe(2);
  });
});

describe('the ionflux binary', () => {
  it('runs from the repository with npx (built CLI on Node 24)', () => {
    const result = spawnSync(
      join(root, 'node_modules', '.bin', 'node'),
      [join(root, 'cli', 'bin', 'ionflux.js'), 'validate', 'examples/agents/revenue-tracker-lite.yaml'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('✓ examples/agents/revenue-tracker-lite.yaml (0 errors, 0 warnings)');
    expect(result.status).toBe(0);
  });
});
