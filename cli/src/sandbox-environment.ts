import { startServer, type ServerHandle } from '@ionflux/server';
import {
  newSandboxSecrets,
  readCachedDatabase,
  sandboxDatabaseKey,
  writeCachedDatabase,
} from './sandbox-database-cache';
import {
  sandboxCredentials,
  tableCredentialResolver,
  type CredentialResolver,
  type CredentialTable,
} from '@ionflux/engine';

/**
 * An IONFLUX server with its sandbox emulators and the demo workspace, on loopback port 0 with an in-memory database,
 * and an API token of the demo workspace: what agents need to run end to end (tests, `ionflux run --sandbox`,
 * benchmarks).
 */
export interface SandboxEnvironment {
  server: ServerHandle;
  url: string;
  workspaceId: string;
  apiToken: string;
  /** The demo user's access token (for reading what agents wrote). */
  userToken: string;
  credentialTable: CredentialTable;
  credentials: CredentialResolver;
  /** Authenticated JSON request to the server as the demo user. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers of many shapes
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startSandboxEnvironment({
  logLevel = 'silent',
  seed,
  databaseCache,
}: {
  logLevel?: 'silent' | 'info' | 'warn';
  /** Seed of the sandbox data (default 42). */
  seed?: number;
  /**
   * A folder where the database after migrations and the demo seed is kept (`ionfluxCacheDir`): the server then starts
   * from a copy of it (made on the first start) instead of migrating and seeding a new one.
   */
  databaseCache?: string;
} = {}): Promise<SandboxEnvironment> {
  const options = {
    port: 0,
    host: '127.0.0.1',
    inMemory: true,
    demo: true,
    sandbox: true,
    logLevel,
    ...(seed !== undefined ? { sandboxSeed: seed } : {}),
  } as const;
  let server: ServerHandle;
  if (databaseCache) {
    const key = await sandboxDatabaseKey();
    const cached = await readCachedDatabase(databaseCache, key);
    if (cached) {
      server = await startServer({
        ...options,
        inMemorySnapshot: cached.snapshot,
        jwtSecret: cached.jwtSecret,
        encryptionKeys: cached.encryptionKeys,
      });
    } else {
      const secrets = newSandboxSecrets();
      server = await startServer({ ...options, ...secrets });
      // Taken before anything else writes to it: the state right after migrations and the demo seed.
      await writeCachedDatabase(databaseCache, key, { snapshot: await server.snapshotDatabase(), ...secrets });
    }
  } else {
    server = await startServer(options);
  }
  const request = async <T>(
    method: string,
    path: string,
    body: unknown,
    token?: string,
  ): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  try {
    const login = await request<{ accessToken: string }>('POST', '/api/auth/login', {
      email: server.demo!.email,
      password: server.demo!.password,
    });
    const userToken = login.body.accessToken;
    const workspaceId = server.demo!.workspaceId;
    const created = await request<{ token: string }>(
      'POST',
      `/api/workspaces/${workspaceId}/api-tokens`,
      { name: 'IONFLUX agents' },
      userToken,
    );
    if (created.status !== 201) throw new Error(`Could not create an API token: ${JSON.stringify(created.body)}`);
    const credentialTable = sandboxCredentials({
      sandboxBaseUrl: server.url,
      ionflux: { baseUrl: server.url, token: created.body.token },
    });
    return {
      server,
      url: server.url,
      workspaceId,
      apiToken: created.body.token,
      userToken,
      credentialTable,
      credentials: tableCredentialResolver(credentialTable),
      api: (method, path, body) => request(method, path, body, userToken),
      close: () => server.close(),
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}
