import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerHandle } from '@ionflux/server';
import { ionfluxConfigDir, PUBLISHER_KEY_FILE } from './commands/marketplace';

/**
 * The marketplace commands of the root README (its "Marketplace" section), run as written through `sh` against a
 * live server: the README's variables are set to that server, an API token of a workspace, the workspace and one of
 * its Brands; `IONFLUX_CONFIG_DIR` is a scratch folder (where the publisher key is created) and the folder holds
 * the README.md that `--readme` reads.
 */
const root = join(__dirname, '..', '..');
const node = join(root, 'node_modules', '.bin', 'node');
const scratch = mkdtempSync(join(tmpdir(), 'ionflux-marketplace-cli-'));
let server: ServerHandle;
let env: NodeJS.ProcessEnv;
let token: string;
let userToken: string;
let workspaceId: string;
let brandId: string;

async function call(method: string, path: string, bearer: string | undefined, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function marketplaceCommands(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Marketplace\n'))!;
  const commands: string[] = [];
  for (const block of section.matchAll(/^```sh\n([\s\S]*?)^```/gm))
    for (const line of block[1]!.split('\n')) if (line.startsWith('npx ionflux ')) commands.push(line.trim());
  return commands;
}

function run(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('sh', ['-c', command], { cwd: join(scratch, 'work'), env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  server = await startServer({ port: 0, inMemory: true, logLevel: 'silent', env: {}, passwordHashCost: 10 });
  const signup = await call('POST', '/api/auth/signup', undefined, {
    email: 'publisher@example.com',
    password: 'a long publisher passphrase',
    displayName: 'Pat',
  });
  userToken = signup.body.accessToken;
  workspaceId = (await call('POST', '/api/workspaces', signup.body.accessToken, { name: 'Pat Labs' })).body.workspace
    .id;
  token = (
    await call('POST', `/api/workspaces/${workspaceId}/api-tokens`, signup.body.accessToken, {
      name: 'cli',
      role: 'admin',
    })
  ).body.token;
  brandId = (
    await call('POST', `/api/workspaces/${workspaceId}/brands`, signup.body.accessToken, {
      name: 'Corner Store',
      shopDomain: 'corner-store.myshopify.com',
    })
  ).body.brand.id;
  const bin = join(scratch, 'bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(scratch, 'work'), { recursive: true });
  writeFileSync(join(scratch, 'work', 'README.md'), '# Channel Digest\n\nSummarizes a channel into a canvas block.\n');
  writeFileSync(
    join(bin, 'npx'),
    `#!/bin/sh\n[ "$1" = ionflux ] || exit 127\nshift\nexec "${node}" "${join(root, 'cli', 'bin', 'ionflux.js')}" "$@"\n`,
  );
  chmodSync(join(bin, 'npx'), 0o755);
  env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    NO_COLOR: '1',
    IONFLUX_CONFIG_DIR: join(scratch, 'config'),
    IONFLUX_URL: server.url,
    IONFLUX_API_TOKEN: token,
    IONFLUX_WORKSPACE: workspaceId,
    BRAND_ID: brandId,
  };
}, 180_000);
afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('ionflux publish and ionflux install (README commands)', () => {
  it('publish signs with a key made on first use, install binds the workspace Brand; all as written', async () => {
    const commands = marketplaceCommands();
    expect(commands.map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual([
      'npx ionflux init',
      'npx ionflux publish',
      'npx ionflux install',
      'npx ionflux install',
    ]);
    const outcomes = [];
    for (const command of commands) {
      const outcome = await run(command);
      expect({ command, code: outcome.code, stderr: outcome.stderr }).toEqual({
        command,
        code: 0,
        stderr: expect.not.stringMatching(/Error|error:/),
      });
      outcomes.push(outcome);
    }
    const [, published, installedOwn, installedExample] = outcomes as [unknown, any, any, any];
    const keyPath = join(ionfluxConfigDir(env), PUBLISHER_KEY_FILE);
    expect(published.stderr).toContain(`Created your publisher key ${keyPath}`);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    const detail = (await call('GET', '/api/marketplace/agents/channel-digest', undefined)).body.agent;
    expect(detail.publisher.name).toBe('Pat Labs');
    expect(detail.readme).toBe(readFileSync(join(scratch, 'work', 'README.md'), 'utf8'));
    expect(published.stdout).toContain('Published channel-digest@0.1.0');
    expect(published.stdout).toContain(`digest sha256:${detail.versions[0].digest}`);
    expect(installedOwn.stdout).toContain('Installed channel-digest@0.1.0 as "Channel Digest"');
    expect(installedExample.stdout).toContain("reads orders of the store you bind ('store', read_orders)");

    const agents = (await call('GET', `/api/workspaces/${workspaceId}/agents`, userToken)).body.agents;
    const byName = Object.fromEntries(agents.map((a: any) => [a.agentName, a]));
    expect(Object.keys(byName).sort()).toEqual(['channel-digest', 'revenue-tracker-lite']);
    expect(byName['revenue-tracker-lite'].bindings).toEqual({ store: { brandId } });
    expect(byName['revenue-tracker-lite'].definitionId).not.toBeNull();

    // Versions are immutable: the same publish again is refused, and the key is not made again.
    const again = await run(commands[1]!);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('version_exists');
    expect(again.stderr).not.toContain('Created your publisher key');
  }, 600_000);
});
