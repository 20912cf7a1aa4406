import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  io as connectClient,
  type Socket as ClientSocket,
  type ManagerOptions,
  type SocketOptions,
} from 'socket.io-client';
import type { ServerOptions } from '../config';
import { startServer, type ServerHandle } from '../server';

/**
 * Test support: a real server on 127.0.0.1 port 0 over a fresh database, and small HTTP/socket clients.
 *
 * The database is in-memory PGlite, unless the test runs in the `server-postgres` Jest project (see jest.config.js),
 * which sets `__IONFLUX_TEST_DATABASE__ = 'postgres'`: then every server gets its own new database on the
 * PostgreSQL server at IONFLUX_TEST_DATABASE_URL, dropped again on close. The same test files run against both.
 */
export type TestDatabaseTarget = 'pglite' | 'postgres';

export function testDatabaseTarget(): TestDatabaseTarget {
  return (globalThis as { __IONFLUX_TEST_DATABASE__?: string }).__IONFLUX_TEST_DATABASE__ === 'postgres'
    ? 'postgres'
    : 'pglite';
}

/** Creates a uniquely named database on the test PostgreSQL server; returns its URL and a function dropping it. */
export async function createTestPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.IONFLUX_TEST_DATABASE_URL;
  if (!adminUrl)
    throw new Error('IONFLUX_TEST_DATABASE_URL is not set: start one with server/scripts/start-test-postgres.sh');
  const name = `ifx_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestUser {
  id: string;
  email: string;
  displayName: string;
  token: string;
  /** Cookie header value holding the refresh and CSRF cookies. */
  cookies: string;
  csrfToken: string;
  password: string;
}

export interface TestServer {
  server: ServerHandle;
  url: string;
  request<T = any>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string },
  ): Promise<HttpResult<T>>;
  /** Signs a new user up (unique email) and returns their token and cookies. */
  signup(name?: string): Promise<TestUser>;
  /** Creates a workspace as `user` and returns its id. */
  createWorkspace(user: TestUser, name?: string): Promise<string>;
  /** Invites `user` into `workspaceId` with `role` (as `owner`) and accepts the invitation. */
  addMember(args: {
    owner: TestUser;
    user: TestUser;
    workspaceId: string;
    role: 'owner' | 'admin' | 'member' | 'viewer';
  }): Promise<void>;
  /** A socket.io client authenticated with `token`, connected (websocket only). */
  connect(token: string, options?: Partial<ManagerOptions & SocketOptions>): Promise<ClientSocket>;
  close(): Promise<void>;
}

let userCounter = 0;

export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  let dropDatabase: (() => Promise<void>) | undefined;
  const dbOptions: ServerOptions = {};
  if (options.databaseUrl === undefined && options.dataDir === undefined && testDatabaseTarget() === 'postgres') {
    const database = await createTestPostgresDatabase();
    dbOptions.databaseUrl = database.url;
    dropDatabase = database.drop;
  } else if (options.dataDir === undefined && options.databaseUrl === undefined) {
    dbOptions.inMemory = true;
  }
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    logLevel: (process.env.IONFLUX_TEST_LOG as ServerOptions['logLevel']) ?? 'silent',
    passwordHashCost: 10,
    // Test files sign many users up from 127.0.0.1; the signup throttle has its own tests.
    signupMaxPerIp: 10_000,
    env: {},
    // Publishing the ten examples costs every server start a second or more; the marketplace tests opt in.
    seedMarketplace: false,
    ...dbOptions,
    ...options,
  });
  const sockets = new Set<ClientSocket>();

  const request: TestServer['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.body);
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('application/json') && text !== '')
      parsed = JSON.parse(text);
    return { status: response.status, body: parsed as any, headers: response.headers };
  };

  const testServer: TestServer = {
    server,
    url: server.url,
    request,
    async signup(name = 'User') {
      userCounter += 1;
      const email = `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}-${process.pid}-${userCounter}-${randomBytes(3).toString('hex')}@example.com`;
      const password = `password-${randomBytes(6).toString('hex')}`;
      const res = await request('POST', '/api/auth/signup', { body: { email, password, displayName: name } });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
      return {
        id: res.body.user.id,
        email,
        displayName: name,
        token: res.body.accessToken,
        cookies: cookieHeader(res.headers),
        csrfToken: res.body.csrfToken,
        password,
      };
    },
    async createWorkspace(user, name = 'Workspace') {
      const res = await request('POST', '/api/workspaces', { token: user.token, body: { name } });
      if (res.status !== 201) throw new Error(`create workspace failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.workspace.id;
    },
    async addMember({ owner, user, workspaceId, role }) {
      const invite = await request('POST', `/api/workspaces/${workspaceId}/invitations`, {
        token: owner.token,
        body: { email: user.email, role },
      });
      if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
      const accept = await request('POST', '/api/invitations/accept', {
        token: user.token,
        body: { token: invite.body.token },
      });
      if (accept.status !== 200) throw new Error(`accept failed: ${accept.status} ${JSON.stringify(accept.body)}`);
    },
    async connect(token, socketOptions = {}) {
      const socket = connectClient(server.url, {
        transports: ['websocket'],
        auth: { token },
        reconnectionDelay: 50,
        reconnectionDelayMax: 200,
        ...socketOptions,
      });
      sockets.add(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (error) => reject(error));
      });
      return socket;
    },
    async close() {
      for (const socket of sockets) socket.disconnect();
      await server.close();
      await dropDatabase?.();
    },
  };
  return testServer;
}

/** `Set-Cookie` headers -> a `Cookie` header value. */
export function cookieHeader(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .filter((c) => !c.endsWith('='))
    .join('; ');
}

/** Emits with an acknowledgement and resolves with it (rejects after `timeoutMs`). */
export function emitWithAck<T = any>(
  socket: ClientSocket,
  event: string,
  payload: unknown,
  timeoutMs = 5_000,
): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

/** Resolves with the next `event` payload matching `predicate`. */
export function nextEvent<T = any>(
  socket: ClientSocket,
  event: string,
  predicate: (payload: T) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Collects every payload of `event` into an array (for asserting order and absence of duplicates). */
export function collect<T = any>(socket: ClientSocket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** Waits until `condition()` holds, polling (for state that arrives asynchronously). */
export async function waitUntil(condition: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
