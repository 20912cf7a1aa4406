import { availableParallelism } from 'node:os';
import path from 'node:path';

/** Options accepted by {@link startServer}; every field can also come from the environment (see README). */
export interface ServerOptions {
  /** TCP port; 0 picks a free one. Env `PORT`. Default 8080. */
  port?: number;
  /** Interface to bind. Env `IONFLUX_HOST`. Default 127.0.0.1. */
  host?: string;
  /** Folder for the embedded database and generated secrets. Env `IONFLUX_DATA_DIR`. Default `.ionflux/data`. */
  dataDir?: string;
  /** A PostgreSQL server (postgres://...) instead of the embedded database. Env `DATABASE_URL`. */
  databaseUrl?: string;
  /** Keep the embedded database in memory (tests, throwaway demos): nothing is written to `dataDir`. */
  inMemory?: boolean;
  /** Publish the example agents in the marketplace when missing (default true; test servers opt in). */
  seedMarketplace?: boolean;
  /**
   * With `inMemory`: start from this snapshot of an embedded database (`ServerHandle.snapshotDatabase()`) instead of
   * an empty one, e.g. a copy kept after migrations and the demo seed. Migrations still run (nothing to do when the
   * snapshot is up to date). The snapshot is read, never written.
   */
  inMemorySnapshot?: Blob;
  /** Seed the demo account, workspace, page and channels (idempotent). Env `IONFLUX_DEMO=1`. */
  demo?: boolean;
  /**
   * Serve the sandbox emulators (Shopify, TikTok, an OpenAI-compatible offline model) under /sandbox, so agents run
   * without real accounts. Env `IONFLUX_SANDBOX=0|1`. Default: on with `demo`, off otherwise (never implied by
   * NODE_ENV). Their control endpoints (faults, orders, webhook deliveries) need a server admin (`adminEmails`).
   */
  sandbox?: boolean;
  /**
   * Emails of server administrators (may drive the sandbox's control endpoints). Env `IONFLUX_ADMIN_EMAILS`
   * (comma-separated). With `demo`, the demo account is one too.
   */
  adminEmails?: string[];
  /** Seed of the sandbox data (same seed, same store). Env `IONFLUX_SANDBOX_SEED`. Default 42. */
  sandboxSeed?: number;
  /**
   * The web studio's production build, served at `/` on the same port. Env `IONFLUX_STUDIO_DIR`. Default: the
   * repository's `studio/dist`. When it has no index.html, `/` says how to build it.
   */
  studioDir?: string;
  /** pino level. Env `IONFLUX_LOG_LEVEL`. Default `info`. */
  logLevel?: LogLevel;
  /** HS256 secret for access tokens, >= 32 chars. Env `IONFLUX_JWT_SECRET`. Default: generated once into dataDir. */
  jwtSecret?: string;
  /**
   * Keys for secrets at rest, `keyId:base64key` (32-byte keys) separated by commas; the first is the current key,
   * the others still decrypt (rotation). Env `IONFLUX_ENCRYPTION_KEYS`. Default: generated once into dataDir.
   */
  encryptionKeys?: string;
  /** Origins allowed to make cookie-authenticated writes, besides the server's own. Env `IONFLUX_ALLOWED_ORIGINS`. */
  allowedOrigins?: string[];
  /** Mark cookies `Secure` (set it behind HTTPS). Env `IONFLUX_COOKIE_SECURE=1`. Default false. */
  cookieSecure?: boolean;
  /** Login attempts allowed per account in a window. Env `IONFLUX_LOGIN_MAX_ATTEMPTS`. Default 10. */
  loginMaxAttempts?: number;
  /** Login attempts allowed per client IP in a window. Env `IONFLUX_LOGIN_MAX_ATTEMPTS_PER_IP`. Default 100. */
  loginMaxAttemptsPerIp?: number;
  /** Login rate-limit window in seconds. Env `IONFLUX_LOGIN_WINDOW_SECONDS`. Default 900. */
  loginWindowSeconds?: number;
  /** Signups allowed per client IP in a window. Env `IONFLUX_SIGNUP_MAX_PER_IP`. Default 20. */
  signupMaxPerIp?: number;
  /** Signup rate-limit window in seconds. Env `IONFLUX_SIGNUP_WINDOW_SECONDS`. Default 3600. */
  signupWindowSeconds?: number;
  /** Open sockets allowed per user (or API token) at once. Env `IONFLUX_SOCKET_MAX_CONNECTIONS`. Default 20. */
  socketMaxConnections?: number;
  /** New socket connections allowed per user (or API token) per minute. Env `IONFLUX_SOCKET_CONNECTS_PER_MINUTE`. Default 60. */
  socketConnectsPerMinute?: number;
  /** Sustained socket events per connection per second. Env `IONFLUX_SOCKET_EVENTS_PER_SECOND`. Default 20. */
  socketEventsPerSecond?: number;
  /** Socket events a connection may send in a burst. Env `IONFLUX_SOCKET_EVENT_BURST`. Default 60. */
  socketEventBurst?: number;
  /**
   * How long a client may take to send a whole request (headers and body); slower ones get 408 and are closed.
   * Env `IONFLUX_REQUEST_TIMEOUT_MS`. Default 30000.
   */
  requestTimeoutMs?: number;
  /** scrypt cost as log2(N), 10..20. Env `IONFLUX_PASSWORD_HASH_COST`. Default 15 (N = 32768, 32 MiB). */
  passwordHashCost?: number;
  /** Access token lifetime. Default 900 s. */
  accessTokenTtlSeconds?: number;
  /** Refresh token lifetime. Default 30 days. */
  refreshTokenTtlSeconds?: number;
  /**
   * Refresh-token rotation leeway: for this long after a refresh token was rotated, presenting it again (a reload
   * that cut off the response carrying the new cookie) rotates again instead of revoking the session, as long as the
   * session has not moved on since. Later reuse still revokes the session. 0 disables. Default 30 s.
   */
  refreshReuseGraceSeconds?: number;
  /** How long shutdown waits for in-flight requests and writes. Default 10000 ms. */
  shutdownTimeoutMs?: number;
  /** How long a dropped socket can come back and receive what it missed from memory. Default 120000 ms. */
  socketRecoveryMs?: number;
  /** Agent runs one workspace may have running at once. Env `IONFLUX_RUN_WORKSPACE_CONCURRENCY`. Default 4. */
  runWorkspaceConcurrency?: number;
  /** Agent runs this process executes at once (over all workspaces). Env `IONFLUX_RUN_SLOTS`. Default 32. */
  runSlots?: number;
  /**
   * Engine worker threads (n8n engines) of this process. Env `IONFLUX_ENGINE_WORKERS`. Default: one per core but one,
   * at least 1 and at most 4: the main thread (HTTP, sockets, the database client or PGlite's worker) keeps a core.
   */
  engineWorkers?: number;
  /**
   * Where agent runs execute: `embedded` (n8n's engine in this process's worker threads) or `n8n` (a real n8n server:
   * each agent configuration is deployed there when saved, its runs are started and read back through n8n's API).
   * Env `IONFLUX_ENGINE`. Default `embedded`.
   */
  engine?: 'embedded' | 'n8n';
  /** The n8n server of `engine: 'n8n'`, e.g. http://127.0.0.1:5678. Env `IONFLUX_N8N_URL`. */
  n8nUrl?: string;
  /** An API key of that n8n (Settings > n8n API). Env `IONFLUX_N8N_API_KEY`. */
  n8nApiKey?: string;
  /** How often the run queue is polled for runs other processes queued (ms). Default 200. */
  runPollMs?: number;
  /** Run heartbeat period (ms); a running run without a heartbeat for 5 periods is interrupted. Default 2000. */
  runHeartbeatMs?: number;
  /** How often the scheduler looks for due cron occurrences (ms). Env `IONFLUX_SCHEDULE_POLL_MS`. Default 1000. */
  schedulePollMs?: number;
  /**
   * How far back a scheduler catches up occurrences missed while no server ran (ms): each missed occurrence in
   * this window fires once when a server is back; older ones are not fired. Env `IONFLUX_SCHEDULE_CATCH_UP_MS`.
   * Default 86400000 (a day).
   */
  scheduleCatchUpMs?: number;
  /**
   * Webhook requests one agent accepts per minute, counted in the database (across every server process).
   * Env `IONFLUX_WEBHOOK_PER_MINUTE`. Default 60.
   */
  webhookRequestsPerMinute?: number;
  /**
   * The clock of the scheduler and of the agent webhooks' rate windows (ms since the epoch), for tests that need a
   * cron occurrence now or a known window; default Date.now.
   * Not read from the environment.
   */
  clock?: () => number;
  /**
   * The clock of the mounted sandbox (token expiry, rate limits), for tests that need a token to expire; default
   * Date.now. Not read from the environment.
   */
  sandboxClock?: () => number;
  /**
   * USD per million tokens by model, for run cost estimates: `model=prompt/completion,...` (e.g.
   * `gpt-4o-mini=0.15/0.6`). Env `IONFLUX_TOKEN_PRICES`. The sandbox model costs nothing.
   */
  tokenPrices?: string;
  /**
   * A real Shopify app (Partners dashboard > Client credentials): OAuth goes to real stores and webhooks are checked
   * with its secret. Env `SHOPIFY_API_KEY`, `SHOPIFY_API_SECRET`. Without it, the sandbox app (when the sandbox runs).
   */
  shopifyApp?: { apiKey: string; apiSecret: string };
  /** A real TikTok app (Login Kit). Env `TIKTOK_CLIENT_KEY`, `TIKTOK_CLIENT_SECRET`. Without it, the sandbox's. */
  tiktokApp?: { clientKey: string; clientSecret: string };
  /**
   * The address browsers and Shopify reach this server at (OAuth redirect URLs, webhook callbacks), e.g.
   * `https://ionflux.example.com`. Env `PUBLIC_URL`. Default: the address the server listens on.
   */
  publicUrl?: string;
  /**
   * Whether this process processes stored Shopify webhooks (starts runs). Off: it only receives and stores them, and
   * another process (or this one after a restart) processes them. Env `IONFLUX_WEBHOOK_PROCESSING=0|1`. Default on.
   */
  webhookProcessing?: boolean;
  /** Where logs go (a pino destination); default stdout. */
  logDestination?: NodeJS.WritableStream;
  /** Environment to read (default process.env) and directory relative paths resolve against (default cwd). */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export type DatabaseConfig =
  { kind: 'pglite'; dataDir: string } | { kind: 'pglite-memory'; snapshot?: Blob } | { kind: 'postgres'; url: string };

export interface ServerConfig {
  /** NODE_ENV=production: skips re-validating responses the database serialized (they are checked in tests). */
  production: boolean;
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  demo: boolean;
  sandbox: boolean;
  sandboxSeed: number;
  studioDir: string;
  /** Normalized (trimmed, lower-case) emails of server administrators. */
  adminEmails: string[];
  logLevel: LogLevel;
  jwtSecret: string | undefined;
  encryptionKeys: string | undefined;
  allowedOrigins: string[];
  cookieSecure: boolean;
  loginMaxAttempts: number;
  loginMaxAttemptsPerIp: number;
  loginWindowSeconds: number;
  signupMaxPerIp: number;
  signupWindowSeconds: number;
  socketMaxConnections: number;
  socketConnectsPerMinute: number;
  socketEventsPerSecond: number;
  socketEventBurst: number;
  requestTimeoutMs: number;
  passwordHashCost: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
  shutdownTimeoutMs: number;
  socketRecoveryMs: number;
  runWorkspaceConcurrency: number;
  runSlots: number;
  engineWorkers: number;
  /** Where agent runs execute (see ServerOptions.engine). */
  engine: { kind: 'embedded' } | { kind: 'n8n'; url: string; apiKey: string };
  runPollMs: number;
  runHeartbeatMs: number;
  shopifyApp: { apiKey: string; apiSecret: string } | null;
  tiktokApp: { clientKey: string; clientSecret: string } | null;
  /** Without a trailing slash; null: the listening address. */
  publicUrl: string | null;
  webhookProcessing: boolean;
  schedulePollMs: number;
  scheduleCatchUpMs: number;
  webhookRequestsPerMinute: number;
  /** Model -> USD per million prompt and completion tokens. */
  tokenPrices: Record<string, { prompt: number; completion: number }>;
}

/** Thrown at boot when options or environment are invalid; `problems` lists every one of them. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid IONFLUX server configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

interface Reader {
  problems: string[];
  env: Record<string, string | undefined>;
}

function readInteger(
  r: Reader,
  args: { option: number | undefined; envName?: string; label: string; min: number; max: number; fallback: number },
): number {
  const { option, envName, label, min, max, fallback } = args;
  const raw: unknown = option ?? (envName ? r.env[envName] : undefined);
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(value) || value < min || value > max) {
    const source = option !== undefined ? `option ${label}` : envName;
    r.problems.push(`${source} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
    return fallback;
  }
  return value;
}

function readBoolean(r: Reader, args: { option: boolean | undefined; envName: string; fallback: boolean }): boolean {
  if (args.option !== undefined) return args.option;
  const raw = r.env[args.envName];
  if (raw === undefined || raw === '') return args.fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  r.problems.push(`${args.envName} must be 1/true/yes/on or 0/false/no/off (got ${JSON.stringify(raw)})`);
  return args.fallback;
}

function readString(option: string | undefined, env: string | undefined): string | undefined {
  const value = option ?? env;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Resolves options + environment + defaults into a validated config, collecting every problem before failing.
 *
 * @example const config = loadConfig({ port: 0, inMemory: true }); // throws ConfigError listing bad fields
 */
export function loadConfig(options: ServerOptions = {}): ServerConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const r: Reader = { problems: [], env };

  const port = readInteger(r, {
    option: options.port,
    envName: 'PORT',
    label: 'port',
    min: 0,
    max: 65535,
    fallback: 8080,
  });
  const host = readString(options.host, env.IONFLUX_HOST) ?? '127.0.0.1';
  const dataDir = path.resolve(cwd, readString(options.dataDir, env.IONFLUX_DATA_DIR) ?? path.join('.ionflux', 'data'));

  const databaseUrl = readString(options.databaseUrl, env.DATABASE_URL);
  let database: DatabaseConfig;
  if (databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
      r.problems.push(
        `${options.databaseUrl !== undefined ? 'option databaseUrl' : 'DATABASE_URL'} must start with postgres:// or postgresql:// (got ${JSON.stringify(redactUrl(databaseUrl))}); unset it to use the embedded database`,
      );
    }
    database = { kind: 'postgres', url: databaseUrl };
  } else if (options.inMemory) {
    database = { kind: 'pglite-memory', ...(options.inMemorySnapshot ? { snapshot: options.inMemorySnapshot } : {}) };
  } else {
    database = { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') };
  }

  const rawLevel = options.logLevel ?? env.IONFLUX_LOG_LEVEL ?? 'info';
  let logLevel: LogLevel = 'info';
  if ((LOG_LEVELS as readonly string[]).includes(rawLevel)) logLevel = rawLevel as LogLevel;
  else r.problems.push(`IONFLUX_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(rawLevel)})`);

  const jwtSecret = readString(options.jwtSecret, env.IONFLUX_JWT_SECRET);
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    r.problems.push('IONFLUX_JWT_SECRET must be at least 32 characters (try: openssl rand -base64 48)');
  }

  const encryptionKeys = readString(options.encryptionKeys, env.IONFLUX_ENCRYPTION_KEYS);
  if (encryptionKeys !== undefined) {
    for (const problem of checkEncryptionKeysSyntax(encryptionKeys))
      r.problems.push(`IONFLUX_ENCRYPTION_KEYS: ${problem}`);
  }

  const allowedOrigins =
    options.allowedOrigins ??
    (env.IONFLUX_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (const origin of allowedOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      r.problems.push(
        `IONFLUX_ALLOWED_ORIGINS entries must look like https://host[:port] with no path (got ${JSON.stringify(origin)})`,
      );
    }
  }

  const adminEmails = (
    options.adminEmails ??
    (env.IONFLUX_ADMIN_EMAILS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  ).map((email) => email.trim().toLowerCase());
  for (const email of adminEmails) {
    if (!/^[^@\s]+@[^@\s]+$/.test(email))
      r.problems.push(`IONFLUX_ADMIN_EMAILS entries must be email addresses (got ${JSON.stringify(email)})`);
  }
  const demo = readBoolean(r, { option: options.demo, envName: 'IONFLUX_DEMO', fallback: false });

  const appKeys = <K extends string>(
    given: Record<K, string> | undefined,
    names: [K, string][],
  ): Record<K, string> | null => {
    if (given) return given;
    const values = names.map(([key, envName]) => [key, env[envName]?.trim() ?? ''] as const);
    const set = values.filter(([, v]) => v !== '');
    if (set.length === 0) return null;
    if (set.length < names.length) {
      r.problems.push(`${names.map(([, n]) => n).join(' and ')} must be set together`);
      return null;
    }
    return Object.fromEntries(values) as Record<K, string>;
  };
  const shopifyApp = appKeys(options.shopifyApp, [
    ['apiKey', 'SHOPIFY_API_KEY'],
    ['apiSecret', 'SHOPIFY_API_SECRET'],
  ]);
  const tiktokApp = appKeys(options.tiktokApp, [
    ['clientKey', 'TIKTOK_CLIENT_KEY'],
    ['clientSecret', 'TIKTOK_CLIENT_SECRET'],
  ]);
  const publicUrlText = readString(options.publicUrl, env.PUBLIC_URL);
  let publicUrl: string | null = null;
  if (publicUrlText !== undefined) {
    if (/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(publicUrlText)) publicUrl = publicUrlText.replace(/\/+$/, '');
    else
      r.problems.push(
        `PUBLIC_URL must be an absolute http(s) URL such as https://ionflux.example.com (got ${JSON.stringify(publicUrlText)})`,
      );
  }

  const engineKind = readString(options.engine, env.IONFLUX_ENGINE) ?? 'embedded';
  let engine: ServerConfig['engine'] = { kind: 'embedded' };
  if (engineKind === 'n8n') {
    const url = readString(options.n8nUrl, env.IONFLUX_N8N_URL);
    const apiKey = readString(options.n8nApiKey, env.IONFLUX_N8N_API_KEY);
    if (!url || !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(url))
      r.problems.push(
        `IONFLUX_N8N_URL must be the n8n server's absolute http(s) URL, e.g. http://127.0.0.1:5678, when IONFLUX_ENGINE=n8n (got ${JSON.stringify(url ?? '')})`,
      );
    if (!apiKey)
      r.problems.push(
        'IONFLUX_N8N_API_KEY must be an API key of that n8n (Settings > n8n API) when IONFLUX_ENGINE=n8n',
      );
    if (url && apiKey) engine = { kind: 'n8n', url: url.replace(/\/+$/, ''), apiKey };
  } else if (engineKind !== 'embedded') {
    r.problems.push(`IONFLUX_ENGINE must be embedded or n8n (got ${JSON.stringify(engineKind)})`);
  }

  const config: ServerConfig = {
    engine,
    production: env.NODE_ENV === 'production',
    shopifyApp: shopifyApp as ServerConfig['shopifyApp'],
    tiktokApp: tiktokApp as ServerConfig['tiktokApp'],
    publicUrl,
    webhookProcessing: readBoolean(r, {
      option: options.webhookProcessing,
      envName: 'IONFLUX_WEBHOOK_PROCESSING',
      fallback: true,
    }),
    port,
    host,
    dataDir,
    database,
    demo,
    // Explicit only: --sandbox / IONFLUX_SANDBOX=1, or the demo (which runs agents against it).
    sandbox: readBoolean(r, { option: options.sandbox, envName: 'IONFLUX_SANDBOX', fallback: demo }),
    sandboxSeed: readInteger(r, {
      option: options.sandboxSeed,
      envName: 'IONFLUX_SANDBOX_SEED',
      label: 'sandboxSeed',
      min: 0,
      max: 2 ** 31 - 1,
      fallback: 42,
    }),
    studioDir: path.resolve(
      cwd,
      readString(options.studioDir, env.IONFLUX_STUDIO_DIR) ?? path.join(__dirname, '..', '..', 'studio', 'dist'),
    ),
    adminEmails,
    logLevel,
    jwtSecret,
    encryptionKeys,
    allowedOrigins,
    cookieSecure: readBoolean(r, { option: options.cookieSecure, envName: 'IONFLUX_COOKIE_SECURE', fallback: false }),
    loginMaxAttempts: readInteger(r, {
      option: options.loginMaxAttempts,
      envName: 'IONFLUX_LOGIN_MAX_ATTEMPTS',
      label: 'loginMaxAttempts',
      min: 1,
      max: 10_000,
      fallback: 10,
    }),
    loginMaxAttemptsPerIp: readInteger(r, {
      option: options.loginMaxAttemptsPerIp,
      envName: 'IONFLUX_LOGIN_MAX_ATTEMPTS_PER_IP',
      label: 'loginMaxAttemptsPerIp',
      min: 1,
      max: 1_000_000,
      fallback: 100,
    }),
    signupMaxPerIp: readInteger(r, {
      option: options.signupMaxPerIp,
      envName: 'IONFLUX_SIGNUP_MAX_PER_IP',
      label: 'signupMaxPerIp',
      min: 1,
      max: 1_000_000,
      fallback: 20,
    }),
    signupWindowSeconds: readInteger(r, {
      option: options.signupWindowSeconds,
      envName: 'IONFLUX_SIGNUP_WINDOW_SECONDS',
      label: 'signupWindowSeconds',
      min: 1,
      max: 86_400,
      fallback: 3600,
    }),
    socketMaxConnections: readInteger(r, {
      option: options.socketMaxConnections,
      envName: 'IONFLUX_SOCKET_MAX_CONNECTIONS',
      label: 'socketMaxConnections',
      min: 1,
      max: 10_000,
      fallback: 20,
    }),
    socketConnectsPerMinute: readInteger(r, {
      option: options.socketConnectsPerMinute,
      envName: 'IONFLUX_SOCKET_CONNECTS_PER_MINUTE',
      label: 'socketConnectsPerMinute',
      min: 1,
      max: 100_000,
      fallback: 60,
    }),
    socketEventsPerSecond: readInteger(r, {
      option: options.socketEventsPerSecond,
      envName: 'IONFLUX_SOCKET_EVENTS_PER_SECOND',
      label: 'socketEventsPerSecond',
      min: 1,
      max: 100_000,
      fallback: 20,
    }),
    socketEventBurst: readInteger(r, {
      option: options.socketEventBurst,
      envName: 'IONFLUX_SOCKET_EVENT_BURST',
      label: 'socketEventBurst',
      min: 1,
      max: 100_000,
      fallback: 60,
    }),
    requestTimeoutMs: readInteger(r, {
      option: options.requestTimeoutMs,
      envName: 'IONFLUX_REQUEST_TIMEOUT_MS',
      label: 'requestTimeoutMs',
      min: 100,
      max: 600_000,
      fallback: 30_000,
    }),
    loginWindowSeconds: readInteger(r, {
      option: options.loginWindowSeconds,
      envName: 'IONFLUX_LOGIN_WINDOW_SECONDS',
      label: 'loginWindowSeconds',
      min: 1,
      max: 86_400,
      fallback: 900,
    }),
    passwordHashCost: readInteger(r, {
      option: options.passwordHashCost,
      envName: 'IONFLUX_PASSWORD_HASH_COST',
      label: 'passwordHashCost',
      min: 10,
      max: 20,
      fallback: 15,
    }),
    accessTokenTtlSeconds: readInteger(r, {
      option: options.accessTokenTtlSeconds,
      label: 'accessTokenTtlSeconds',
      min: 10,
      max: 86_400,
      fallback: 900,
    }),
    refreshTokenTtlSeconds: readInteger(r, {
      option: options.refreshTokenTtlSeconds,
      label: 'refreshTokenTtlSeconds',
      min: 60,
      max: 365 * 86_400,
      fallback: 30 * 86_400,
    }),
    refreshReuseGraceSeconds: readInteger(r, {
      option: options.refreshReuseGraceSeconds,
      label: 'refreshReuseGraceSeconds',
      min: 0,
      max: 300,
      fallback: 30,
    }),
    shutdownTimeoutMs: readInteger(r, {
      option: options.shutdownTimeoutMs,
      label: 'shutdownTimeoutMs',
      min: 0,
      max: 600_000,
      fallback: 10_000,
    }),
    socketRecoveryMs: readInteger(r, {
      option: options.socketRecoveryMs,
      label: 'socketRecoveryMs',
      min: 0,
      max: 3_600_000,
      fallback: 120_000,
    }),
    runWorkspaceConcurrency: readInteger(r, {
      option: options.runWorkspaceConcurrency,
      envName: 'IONFLUX_RUN_WORKSPACE_CONCURRENCY',
      label: 'runWorkspaceConcurrency',
      min: 1,
      max: 1000,
      fallback: 4,
    }),
    runSlots: readInteger(r, {
      option: options.runSlots,
      envName: 'IONFLUX_RUN_SLOTS',
      label: 'runSlots',
      min: 1,
      max: 10_000,
      fallback: 32,
    }),
    engineWorkers: readInteger(r, {
      option: options.engineWorkers,
      envName: 'IONFLUX_ENGINE_WORKERS',
      label: 'engineWorkers',
      min: 1,
      max: 64,
      // Runs wait on I/O most of the time, and one engine thread runs many at once. On a 2-core machine a second one
      // made runs slower: five busy threads on two cores cost each run 7.2 ms of the server's CPU instead of 5.3
      // (bench/runs, PGlite: 240 runs/s instead of 280).
      fallback: Math.max(1, Math.min(4, availableParallelism() - 1)),
    }),
    runPollMs: readInteger(r, { option: options.runPollMs, label: 'runPollMs', min: 5, max: 60_000, fallback: 200 }),
    runHeartbeatMs: readInteger(r, {
      option: options.runHeartbeatMs,
      label: 'runHeartbeatMs',
      min: 50,
      max: 600_000,
      fallback: 2_000,
    }),
    schedulePollMs: readInteger(r, {
      option: options.schedulePollMs,
      envName: 'IONFLUX_SCHEDULE_POLL_MS',
      label: 'schedulePollMs',
      min: 10,
      max: 60_000,
      fallback: 1_000,
    }),
    scheduleCatchUpMs: readInteger(r, {
      option: options.scheduleCatchUpMs,
      envName: 'IONFLUX_SCHEDULE_CATCH_UP_MS',
      label: 'scheduleCatchUpMs',
      min: 0,
      max: 31 * 86_400_000,
      fallback: 86_400_000,
    }),
    webhookRequestsPerMinute: readInteger(r, {
      option: options.webhookRequestsPerMinute,
      envName: 'IONFLUX_WEBHOOK_PER_MINUTE',
      label: 'webhookRequestsPerMinute',
      min: 1,
      max: 100_000,
      fallback: 60,
    }),
    tokenPrices: readTokenPrices(r, options.tokenPrices ?? env.IONFLUX_TOKEN_PRICES),
  };

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

function readTokenPrices(
  r: { problems: string[] },
  value: string | undefined,
): Record<string, { prompt: number; completion: number }> {
  const prices: Record<string, { prompt: number; completion: number }> = {};
  for (const entry of (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([^=\s]+)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(entry);
    if (!match) {
      r.problems.push(
        `tokenPrices (IONFLUX_TOKEN_PRICES): "${entry}" must be model=prompt/completion in USD per million tokens, e.g. gpt-4o-mini=0.15/0.6`,
      );
      continue;
    }
    prices[match[1]!] = { prompt: Number(match[2]), completion: Number(match[3]) };
  }
  return prices;
}

/** Syntax check only (`id:base64` of 32 bytes, unique ids); the keyring itself is built in domain/secrets. */
export function checkEncryptionKeysSyntax(value: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) problems.push('give at least one key as keyId:base64key');
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
      problems.push(
        `each key must be keyId:base64key with a keyId of 1-32 letters, digits, _ or - (got ${JSON.stringify(entry.slice(0, 12))}...)`,
      );
      continue;
    }
    if (seen.has(id)) problems.push(`key id ${JSON.stringify(id)} appears twice`);
    seen.add(id);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32)
      problems.push(
        `key ${JSON.stringify(id)} must be 32 bytes of base64 (got ${key.length} bytes; try: openssl rand -base64 32)`,
      );
  }
  return problems;
}

/** Hides the password of a database URL for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
