import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { Server as SocketIoServer } from 'socket.io';
import pino, { type Logger } from 'pino';
import { loadConfig, type ServerConfig, type ServerOptions } from './config';
import { openDatabase } from './data-access/database';
import { migrateToLatest } from './data-access/migrations/index';
import type { Database } from './data-access/schema';
import { loadServerSecrets, lockDataFolder } from './data-access/server-secrets-file';
import { DomainEvents, type AppContext } from './domain/context';
import { DEMO_EMAIL, seedDemo } from './domain/demo-seed';
import { seedMarketplaceCatalog } from './domain/marketplace/catalog-seed';
import { AccessTokenVerifier } from './domain/tokens';
import { createUseCases, type UseCases } from './domain/use-cases';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { buildRouteTable, createHttpApp, InFlight, securityHeaders } from './entry-points/http/app';
import { requireServerAdmin } from './entry-points/http/authentication';
import { createShopifyWebhookIntake } from './entry-points/http/shopify-webhook-intake';
import { studioMount } from './entry-points/http/studio';
import type { Mount } from './entry-points/http/router';

/** Cost bucket of the sandbox store: Shopify Plus restores 1000 points/s. */
export const SANDBOX_SHOPIFY_PLUS_BUCKET = { maximumAvailable: 10_000, restoreRate: 1000 };
import type { RouteDefinition } from './entry-points/http/route';
import { createRealtime } from './entry-points/realtime/socket-server';

/** A running server. */
export interface ServerHandle {
  /** e.g. `http://127.0.0.1:8080` */
  url: string;
  port: number;
  host: string;
  config: ServerConfig;
  /** The query layer (tests and tools inspect state through it). */
  db: Kysely<Database>;
  useCases: UseCases;
  routes: RouteDefinition[];
  /** The Express app (the policy test walks its router). */
  app: Express;
  http: http.Server;
  /** The socket.io server (tests enumerate the events it registers). */
  io: SocketIoServer;
  logger: Logger;
  /** Set when started with `demo: true`. */
  demo?: { email: string; password: string; workspaceId: string; pageId: string };
  /**
   * A snapshot of the embedded database (PGlite) as it is now, for `inMemorySnapshot`; rejects on PostgreSQL.
   * `ionflux run --sandbox` keeps one taken after migrations and the demo seed, so later runs skip both.
   */
  snapshotDatabase(): Promise<Blob>;
  /** Graceful stop: stop accepting, finish in-flight requests and writes, disconnect sockets, close the database. */
  close(): Promise<void>;
}

const running = new Set<ServerHandle>();

export function serverVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
}

/**
 * Starts the IONFLUX server: validates config, opens and migrates the database, optionally seeds the demo, then
 * listens (127.0.0.1 by default). Throws ConfigError listing every bad option.
 *
 * @example
 *   const server = await startServer({ port: 0, inMemory: true });
 *   await fetch(`${server.url}/healthz`);
 *   await server.close();
 */
export async function startServer(options: ServerOptions = {}): Promise<ServerHandle> {
  const config = loadConfig(options);
  // The demo account drives its own sandbox.
  if (config.demo && !config.adminEmails.includes(DEMO_EMAIL)) config.adminEmails = [...config.adminEmails, DEMO_EMAIL];
  const logger = pino(
    {
      level: config.logLevel,
      base: { service: 'ionflux-server' },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: { err: serializeError },
    },
    options.logDestination ? (options.logDestination as pino.DestinationStream) : pino.destination({ sync: false }),
  );

  const releaseLock = config.database.kind === 'pglite' ? await lockDataFolder(config.dataDir) : async () => undefined;
  let database: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    const secrets = await loadServerSecrets({ config, logger });
    database = await openDatabase({ config: config.database, logger });
    const migration = await migrateToLatest(database.db);
    const applied = (migration.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (applied.length > 0) logger.info({ applied }, 'applied database migrations');

    const ctx: AppContext = {
      db: database.db,
      config,
      logger,
      events: new DomainEvents(),
      keyring: secrets.keyring,
      jwtKey: secrets.jwtKey,
      accessTokens: new AccessTokenVerifier(secrets.jwtKey),
      revokedSessions: new Map(),
      clock: options.clock ?? Date.now,
    };
    const useCases = createUseCases(ctx);
    const rotated = await useCases.profiles.rotateCredentialKeys();
    if (rotated > 0)
      logger.info(
        { rotated, keyId: secrets.keyring.currentKeyId },
        're-encrypted stored credentials with the current key',
      );
    const revocations = await useCases.accounts.loadRevokedSessions();
    if (revocations > 0) logger.info({ revocations }, 'loaded revoked sessions');
    const seeded = options.seedMarketplace === false ? 0 : await seedMarketplaceCatalog(ctx, useCases.marketplace);
    if (seeded > 0) logger.info({ seeded }, 'published the example agents in the marketplace');
    const demo = config.demo ? await seedDemo(useCases) : undefined;

    let shuttingDown = false;
    const inFlight = new InFlight();
    const db = database;
    const routes = buildRouteTable({
      useCases,
      readiness: { isShuttingDown: () => shuttingDown, pingDatabase: () => db.ping() },
      version: serverVersion(),
    });
    const mounts: Mount[] = [];
    // The sandbox apps' registered OAuth redirect URLs, plus this server's callbacks once its address is known.
    const sandboxRedirects = {
      shopify: [...SANDBOX_CREDENTIALS.shopify.redirectUrls] as string[],
      tiktok: [...SANDBOX_CREDENTIALS.tiktok.redirectUris] as string[],
    };
    if (config.sandbox) {
      const { createSandbox } = await import('@ionflux/sandbox');
      mounts.push({
        path: '/sandbox',
        // A Shopify Plus dev store (1000 points/s; https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits):
        // a year of orders pages through in seconds, while throttling still applies.
        handler: createSandbox({
          seed: config.sandboxSeed,
          ...(options.sandboxClock ? { clock: options.sandboxClock } : {}),
          shopifyBucket: SANDBOX_SHOPIFY_PLUS_BUCKET,
          shopifyRedirectUrls: sandboxRedirects.shopify,
          tiktokRedirectUris: sandboxRedirects.tiktok,
          controlAccess: requireServerAdmin(useCases),
        }).router,
        policy: {
          kind: 'sandbox',
          description:
            'Loopback emulators of Shopify, TikTok and an OpenAI-compatible model (their own fake credentials); ' +
            'control endpoints (/sandbox/control/*, /sandbox/shopify/control/*, /sandbox/shopify/webhooks/deliver) ' +
            'need a server admin',
        },
      });
    }
    // Last: the web app answers page addresses that no API route or emulator took.
    mounts.push(studioMount({ studioDir: config.studioDir }));
    const app = createHttpApp({ useCases, logger, routes, inFlight, mounts });
    // Shopify's webhook bursts skip the generic Express stack (same answers; see shopify-webhook-intake.ts).
    const webhookIntake = createShopifyWebhookIntake({
      webhooks: useCases.shopifyWebhooks,
      logger,
      inFlight,
      securityHeaders: securityHeaders({ cookieSecure: config.cookieSecure }),
      maxBytes: routes.find((route) => route.operationId === 'receiveShopifyWebhook')!.rawBody!.maxBytes,
    });
    // A client has requestTimeoutMs to send a whole request (headers and body), checked every second; slower ones
    // get 408 and are closed (Node's default would hold them for 300 s).
    const server = http.createServer(
      {
        requestTimeout: config.requestTimeoutMs,
        headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
        connectionsCheckingInterval: Math.min(1_000, config.requestTimeoutMs),
      },
      (req, res) => {
        if (!webhookIntake(req, res)) app(req, res);
      },
    );
    server.keepAliveTimeout = 5_000;
    const realtime = createRealtime({
      httpServer: server,
      useCases,
      logger,
      inFlight,
      recoveryMs: config.socketRecoveryMs,
    });

    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE')
          reject(
            Object.assign(
              new Error(
                `Port ${config.port} on ${config.host} is already in use: pass another --port (PORT), or 0 for any free port`,
              ),
              { code: 'EADDRINUSE', port: config.port },
            ),
          );
        else if (error.code === 'EADDRNOTAVAIL')
          reject(new Error(`Cannot listen on ${config.host}: no such local address (IONFLUX_HOST)`));
        else reject(error);
      };
      server.once('error', onError);
      server.listen(config.port, config.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${urlHost}:${address.port}`;
    // Agent runs: the executor claims queued runs (and recovers interrupted ones) once nodes can call back here.
    useCases.shopifyConnections.attach({ baseUrl: url });
    useCases.tiktokConnections.attach({ baseUrl: url });
    sandboxRedirects.shopify.push(useCases.shopifyConnections.callbackUrl());
    sandboxRedirects.tiktok.push(useCases.tiktokConnections.callbackUrl());
    await useCases.runExecutor.start({ baseUrl: url });
    // Webhooks stored but not processed (a crash between the 200 and processing) are processed now.
    if (config.webhookProcessing) useCases.shopifyWebhooks.start();
    useCases.scheduler.start();

    let closing: Promise<void> | undefined;
    const handle: ServerHandle = {
      url,
      port: address.port,
      host: address.address,
      config,
      db: database.db,
      useCases,
      routes,
      app,
      http: server,
      io: realtime.io,
      logger,
      demo,
      snapshotDatabase: async () => {
        if (!db.snapshot) throw new Error('Only the embedded database (PGlite) can be snapshotted.');
        return db.snapshot();
      },
      close: () =>
        (closing ??= (async () => {
          shuttingDown = true;
          logger.info('shutting down: draining requests and sockets');
          // Runs in progress may finish (they call this server); the ones that do not are recovered at next start.
          await useCases.shopifyWebhooks.stop();
          await useCases.scheduler.stop();
          await useCases.runExecutor.stop(config.shutdownTimeoutMs);
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          if (!(await inFlight.idle(config.shutdownTimeoutMs)))
            logger.warn({ inFlight: inFlight.count }, 'shutdown timeout: some requests did not finish');
          await realtime.close();
          await inFlight.idle(config.shutdownTimeoutMs);
          server.closeAllConnections();
          await closed;
          await db.close();
          await releaseLock();
          running.delete(handle);
          logger.info('stopped');
          logger.flush();
        })()),
    };
    running.add(handle);
    logger.info({ url, database: database.kind, demo: Boolean(demo) }, 'IONFLUX server ready');
    return handle;
  } catch (error) {
    await database?.close().catch(() => undefined);
    await releaseLock();
    logger.flush();
    throw error;
  }
}

/** Error fields that may carry row contents or SQL parameters: never logged. */
const UNLOGGED_ERROR_FIELDS = ['params', 'parameters', 'queryOptions', 'detail', 'where', 'internalQuery'];

/**
 * pino's error serializer, minus what database errors carry about the data: PGlite attaches the query's parameters
 * (block content, message text), PostgreSQL's `detail` quotes failing rows. Causes are cleaned the same way.
 */
export function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown> | undefined;
  const clean = (value: unknown, depth: number): unknown => {
    if (!value || typeof value !== 'object' || depth > 5) return value;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const field of UNLOGGED_ERROR_FIELDS) delete copy[field];
    if (copy.cause) copy.cause = clean(copy.cause, depth + 1);
    return copy;
  };
  return clean(serialized, 0);
}

/** Stops one server, or every server this process started when called without a handle. */
export async function stopServer(handle?: ServerHandle): Promise<void> {
  const targets = handle ? [handle] : [...running];
  await Promise.all(targets.map((h) => h.close()));
}
