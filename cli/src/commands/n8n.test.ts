import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runCli } from '../main';

/** `ionflux deploy`/`undeploy`/`pull` before they reach n8n (the real-n8n lane, npm run test:n8n, covers the rest). */
async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: join(__dirname, '..', '..', '..'),
    env,
    isTTY: false,
  });
  return { code, stdout, stderr };
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ionflux deploy / undeploy / pull', () => {
  it('names the missing option and where to find it', async () => {
    const noUrl = await cli(['deploy', 'examples/agents/revenue-tracker-lite.yaml']);
    expect(noUrl).toMatchObject({ code: 2, stderr: expect.stringContaining('--n8n-url') });
    const noKey = await cli(['pull', 'abc'], { N8N_URL: 'http://127.0.0.1:5678' });
    expect(noKey).toMatchObject({ code: 2, stderr: expect.stringContaining('--n8n-api-key') });
    const badUrl = await cli(['undeploy', 'x', '--n8n-url', 'ftp://host', '--n8n-api-key', 'k']);
    expect(badUrl).toMatchObject({ code: 2, stderr: expect.stringContaining('http(s) URL') });
    const sandboxWithoutServer = await cli(['deploy', 'examples/agents/revenue-tracker-lite.yaml', '--sandbox'], {
      N8N_URL: 'http://127.0.0.1:5678',
      N8N_API_KEY: 'k',
    });
    expect(sandboxWithoutServer).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--sandbox needs --server'),
    });
  });

  it('reports an agent with errors as diagnostics, before talking to n8n', async () => {
    const result = await cli(['deploy', 'examples/invalid/bad-references.yaml'], {
      N8N_URL: 'http://127.0.0.1:9',
      N8N_API_KEY: 'k',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad-references\.yaml:\d+:\d+: error IFX\d{3}/);
  });

  it('says when n8n cannot be reached (exit 2, JSON failure with a code)', async () => {
    const port = await closedPort();
    const result = await cli([
      'undeploy',
      'revenue-tracker-lite',
      '--n8n-url',
      `http://127.0.0.1:${port}`,
      '--n8n-api-key',
      'k',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Cannot reach n8n at http://127.0.0.1:${port}`);
  });
});
