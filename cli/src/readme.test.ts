import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * Every `npx ionflux ...` command shown in a README of the repository, run as written so the documentation cannot
 * drift from the command line. Each README's commands run in order (later ones use the files earlier ones wrote)
 * through `sh` in a scratch folder that links the repository's `examples/`. What differs from a user's shell is
 * stated here and nowhere else:
 * - `npx ionflux` is this workspace's binary (what npx resolves inside the repository), on the project's Node;
 * - `PORT=0`, so that `serve` takes a free port, and a scratch `IONFLUX_CACHE_DIR` (the local sandbox that
 *   `run --sandbox` starts lives there, and is stopped at the end);
 * - long-running commands (`serve`, `sandbox serve`) are checked with a request once they print their URL, then
 *   stopped with SIGINT, which must end them with exit 0.
 */
const root = join(__dirname, '..', '..');
const node = join(root, 'node_modules', '.bin', 'node');
const scratch = mkdtempSync(join(tmpdir(), 'ionflux-readme-'));
afterAll(() => {
  spawnSync(node, [join(root, 'cli', 'bin', 'ionflux.js'), 'sandbox', 'stop'], {
    env: { ...process.env, IONFLUX_CACHE_DIR: join(scratch, 'cache') },
  });
  rmSync(scratch, { recursive: true, force: true });
});

/** README.md at the root and in each package folder. */
function readmes(): string[] {
  const found = ['README.md'];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    if (existsSync(join(root, entry.name, 'README.md'))) found.push(join(entry.name, 'README.md'));
  }
  return found.sort();
}

/** The `npx ionflux` commands of a Markdown file's shell blocks, continuation lines joined. */
function ionfluxCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)) {
    const lines = block[1]!.split('\n');
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!;
      while (/\\\s*$/.test(line) && i + 1 < lines.length) line = `${line.replace(/\\\s*$/, '')} ${lines[++i]!.trim()}`;
      // Commands that talk to a live server ($IONFLUX_URL) run in cli/src/marketplace.test.ts, against one.
      if (/^npx ionflux\b/.test(line.trim()) && !line.includes('$IONFLUX_URL')) commands.push(line.trim());
    }
  }
  return commands;
}

/** A folder on PATH whose `npx` runs this workspace's `ionflux` (and nothing else). */
function npxShim(): string {
  const dir = join(scratch, 'bin');
  mkdirSync(dir, { recursive: true });
  const script = join(dir, 'npx');
  writeFileSync(
    script,
    `#!/bin/sh\n[ "$1" = ionflux ] || { echo "only npx ionflux is run here" >&2; exit 127; }\nshift\nexec "${node}" "${join(root, 'cli', 'bin', 'ionflux.js')}" "$@"\n`,
  );
  chmodSync(script, 0o755);
  return dir;
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** For long-running commands: the status of a request to the URL they printed. */
  probe?: number;
}

function run(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const longRunning = /^npx ionflux (sandbox )?serve\b/.test(command);
  const child = spawn('sh', ['-c', longRunning ? `exec ${command}` : command], { cwd, env });
  let stdout = '';
  let stderr = '';
  let probe: number | undefined;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening on (http:\/\/\S+?)(\/sandbox)?\s/.exec(stdout);
      if (longRunning && url && probe === undefined) {
        probe = 0;
        fetch(url[2] ? `${url[1]}/sandbox` : `${url[1]}/readyz`)
          .then((response) => (probe = response.status))
          .catch(() => (probe = -1))
          .finally(() => child.kill('SIGINT'));
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ...(probe !== undefined ? { probe } : {}) }));
  });
}

describe('README commands', () => {
  const files = readmes().map((file) => [file, ionfluxCommands(readFileSync(join(root, file), 'utf8'))] as const);

  it('are found in the root README and the CLI README', () => {
    const byFile = Object.fromEntries(files.map(([file, commands]) => [file, commands.length]));
    expect(byFile['README.md']).toBeGreaterThanOrEqual(10);
    expect(byFile[join('cli', 'README.md')]).toBeGreaterThanOrEqual(10);
  });

  it.each(files.filter(([, commands]) => commands.length > 0))(
    'of %s run as written',
    async (file, commands) => {
      const cwd = join(scratch, relative(root, file).replace(/[/.]/g, '-'));
      mkdirSync(cwd, { recursive: true });
      symlinkSync(join(root, 'examples'), join(cwd, 'examples'));
      // As a user's shell has it: `run --sandbox` uses the warm local sandbox (the tests' setup turns it off).
      const { IONFLUX_SANDBOX_DAEMON: _off, ...inherited } = process.env;
      const env = {
        ...inherited,
        PATH: `${npxShim()}:${process.env.PATH ?? ''}`,
        PORT: '0',
        IONFLUX_CACHE_DIR: join(scratch, 'cache'),
        NO_COLOR: '1',
      };
      for (const command of commands) {
        const outcome = await run(command, cwd, env);
        const seen = { command, code: outcome.code, stderr: outcome.stderr };
        expect(seen).toEqual({ command, code: 0, stderr: expect.not.stringMatching(/Error|error:|at .*\.js/) });
        if (/--format json/.test(command))
          expect([command, JSON.parse(outcome.stdout).status]).toEqual([command, 'success']);
        if (/ run /.test(command) && !/--format json/.test(command)) expect(outcome.stdout).toContain('Run succeeded');
        if (outcome.probe !== undefined) expect([command, outcome.probe]).toEqual([command, 200]);
      }
    },
    15 * 60_000,
  );
});
