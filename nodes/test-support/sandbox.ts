/**
 * The IONFLUX sandbox started in-process on port 0 for a test file, with the credentials that bind the nodes to it
 * and direct clients of its APIs (for computing expected figures independently of the nodes).
 */
import { SANDBOX_CREDENTIALS, sandboxConnectionData, startSandboxServer } from '@ionflux/sandbox';
import type { SandboxServer, SandboxServerOptions } from '@ionflux/sandbox';
import { spawn } from 'node:child_process';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export interface TestSandbox {
  server: SandboxServer;
  url: string;
  credentials: {
    shopify: ICredentialDataDecryptedObject;
    tiktok: ICredentialDataDecryptedObject;
    llm: ICredentialDataDecryptedObject;
  };
  /** POST to the sandbox Admin GraphQL API with the sandbox token. */
  shopifyGraphql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; body: { data: T; errors?: unknown[]; extensions?: any } }>;
  /** Every node of a connection, page by page (first: 250 or less), straight from the sandbox. */
  shopifyAll<T = any>(
    query: string,
    variables: Record<string, unknown>,
    path: (data: any) => { nodes: T[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } },
  ): Promise<T[]>;
  /** Queue failures: { service, status, count, retryAfter }. */
  fault(fault: {
    service: 'shopify' | 'tiktok' | 'openai' | '*';
    status: 429 | 500 | 502 | 503;
    count?: number;
    retryAfter?: number;
  }): Promise<void>;
  pendingFaults(): Promise<unknown[]>;
  /** An access token granted only `scopes`, through the sandbox app's OAuth authorization code grant. */
  shopifyTokenWithScopes(scopes: string[]): Promise<string>;
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestSandbox(options: SandboxServerOptions = {}): Promise<TestSandbox> {
  return testSandbox(await startSandboxServer({ port: 0, ...options }));
}

/**
 * The sandbox in a child process (its built package, `sandbox/dist`), for tests that measure this process's memory:
 * what the sandbox generates and serves is then not on the heap under test.
 */
export async function startTestSandboxProcess(options: SandboxServerOptions = {}): Promise<TestSandbox> {
  const script = [
    "const { startSandboxServer } = require('@ionflux/sandbox');",
    'startSandboxServer({ port: 0, ...JSON.parse(process.argv[1]) })',
    '  .then((server) => console.log(JSON.stringify({ url: server.url, port: server.port })))',
    '  .catch((error) => { console.error(error); process.exit(1); });',
  ].join('\n');
  const child = spawn(process.execPath, ['-e', script, JSON.stringify(options)], {
    cwd: __dirname,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolve(JSON.parse(line) as { url: string; port: number });
    });
    child.once('exit', (code) => reject(new Error(`sandbox process exited (${code}) before listening: ${stderr}`)));
  });
  return testSandbox({
    ...address,
    async close() {
      child.kill();
      await exited;
    },
  });
}

function testSandbox(server: SandboxServer): TestSandbox {
  const url = server.url;
  const shopifyEndpoint = `${url}/sandbox/shopify/admin/api/2025-10/graphql.json`;
  const shopifyGraphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(shopifyEndpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Shopify-Access-Token': SANDBOX_CREDENTIALS.shopify.accessToken,
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  return {
    server,
    url,
    credentials: sandboxConnectionData(url),
    shopifyGraphql,
    async shopifyAll(query, variables, path) {
      const out: any[] = [];
      let after: string | null = null;
      for (;;) {
        const { body } = await shopifyGraphql(query, { ...variables, after });
        if (body.errors) throw new Error(`sandbox GraphQL error: ${JSON.stringify(body.errors)}`);
        const page = path(body.data);
        out.push(...page.nodes);
        if (!page.pageInfo.hasNextPage) return out;
        after = page.pageInfo.endCursor;
      }
    },
    async fault(fault) {
      const response = await fetch(`${url}/sandbox/control/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(fault),
      });
      if (response.status !== 201) throw new Error(`fault injection failed: ${await response.text()}`);
    },
    async pendingFaults() {
      return ((await (await fetch(`${url}/sandbox/control/faults`)).json()) as { faults: unknown[] }).faults;
    },
    async shopifyTokenWithScopes(scopes) {
      const authorize = new URL(`${url}/sandbox/shopify/admin/oauth/authorize`);
      authorize.searchParams.set('client_id', SANDBOX_CREDENTIALS.shopify.clientId);
      authorize.searchParams.set('scope', scopes.join(','));
      authorize.searchParams.set('redirect_uri', 'http://127.0.0.1:5678/callback');
      const redirect = await fetch(authorize, { redirect: 'manual' });
      const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code');
      if (!code) throw new Error(`authorize did not redirect with a code: ${redirect.status}`);
      const response = await fetch(`${url}/sandbox/shopify/admin/oauth/access_token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          client_id: SANDBOX_CREDENTIALS.shopify.clientId,
          client_secret: SANDBOX_CREDENTIALS.shopify.clientSecret,
          code,
        }),
      });
      const body = (await response.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`no access token: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async clearFaults() {
      await fetch(`${url}/sandbox/control/faults`, { method: 'DELETE' });
    },
    close: () => server.close(),
  };
}
