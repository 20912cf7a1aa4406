import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
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

const binary = join(root, 'cli', 'bin', 'ionflux.js');
const node = join(root, 'node_modules', '.bin', 'node');

describe('failures', () => {
  it('with --format json, every failure is { status: "failed", error }: bad options, bad arguments, invalid agents', async () => {
    const cases: [string[], number, string][] = [
      [['run', 'examples/agents/revenue-tracker-lite.yaml', '--format', 'json', '--bogus'], 2, 'usage'],
      [['run', 'missing.yaml', '--format=json'], 2, 'usage'],
      [['run', 'examples/agents/revenue-tracker-lite.yaml', '--format', 'json', '--input', '{'], 2, 'invalid_input'],
      [
        ['run', 'examples/agents/revenue-tracker-lite.yaml', '--format', 'json', '--seed', 'x', '--sandbox'],
        2,
        'usage',
      ],
      [['run', 'examples/invalid/typos-everywhere.yaml', '--format', 'json'], 1, 'invalid_agent'],
      [['validate', '--format', 'json', 'examples/invalid/broken-yaml.yaml'], 1, 'invalid_agent'],
      [['validate', '--format', 'json', 'missing.yaml'], 2, 'usage'],
    ];
    for (const [args, code, errorCode] of cases) {
      const io = capture();
      expect([args, await runCli(args, io)]).toEqual([args, code]);
      const document = JSON.parse(io.out.join(''));
      expect([args, document.status, document.error.code, typeof document.error.message]).toEqual([
        args,
        'failed',
        errorCode,
        'string',
      ]);
      expect(io.err.join('')).toBe('');
    }
  });

  it('checks --input and --trigger against the agent before starting a server (chat-command needs channel, text)', async () => {
    const io = capture();
    expect(await runCli(['run', 'examples/agents/slack-brief-butler.yaml', '--sandbox'], io)).toBe(2);
    expect(io.err.join('')).toContain('A chat command trigger needs { channel, text, ... }');
    // The sentinel: starting the sandbox prints its URL first; nothing was printed.
    expect(io.out.join('')).toBe('');
    const json = capture();
    const args = ['run', 'examples/agents/revenue-tracker-lite.yaml', '--sandbox', '--format', 'json'];
    expect(await runCli([...args, '--input', '{"period":"someday"}'], json)).toBe(2);
    expect(JSON.parse(json.out.join('')).error).toMatchObject({ code: 'invalid_input', field: 'inputs.period' });
  });

  it('ends quietly with exit 0 when the reader closes the pipe (ionflux schema | head)', async () => {
    const child = spawn(node, [binary, 'schema'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The reader is gone before the command writes a byte (head after its lines, with a larger output): every write
    // meets a closed pipe.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('reports a taken port in one line with exit code 2', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = spawnSync(node, [binary, 'sandbox', 'serve', '--port', String(port)], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        `ionflux: Port ${port} is already in use, so the sandbox cannot listen on it: stop what uses it, or choose another with --port (0 picks a free one).\n`,
      );
    } finally {
      blocker.close();
    }
  });
});
