import type { CliIO } from '../io';
import { portInUse, UsageError } from '../io';

/** Waits for SIGINT/SIGTERM, then closes what was started. */
function untilSignal(close: () => Promise<void>, io: CliIO): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      io.stderr(`${signal}: shutting down...\n`);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      close().then(
        () => resolve(0),
        (error: Error) => {
          io.stderr(`shutdown failed: ${error.message}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be a port number (got ${value}).`);
  return n;
}

/** `ionflux serve [--port N] [--data-dir DIR] [--database-url URL] [--demo] [--sandbox]`: the server until Ctrl-C. */
export async function serveCommand(
  options: { port?: string; dataDir?: string; databaseUrl?: string; demo?: boolean; sandbox?: boolean },
  io: CliIO,
): Promise<number> {
  const { startServer, ConfigError } = await import('@ionflux/server');
  let server;
  try {
    server = await startServer({
      ...(port(options.port) !== undefined ? { port: port(options.port)! } : {}),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      ...(options.demo ? { demo: true } : {}),
      ...(options.sandbox ? { sandbox: true } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message, 'config');
    throw portInUse(error, 'the server') ?? error;
  }
  io.stdout(`IONFLUX server listening on ${server.url} (API docs: ${server.url}/api/docs)\n`);
  if (server.demo) io.stdout(`Demo login: ${server.demo.email} / ${server.demo.password}\n`);
  return untilSignal(() => server.close(), io);
}

/** `ionflux sandbox serve [--port N] [--seed S]`: the Shopify, TikTok and LLM emulators on their own. */
export async function sandboxServeCommand(options: { port?: string; seed?: string }, io: CliIO): Promise<number> {
  const { startSandboxServer, SANDBOX_CREDENTIALS } = await import('@ionflux/sandbox');
  const seed = options.seed === undefined ? undefined : Number(options.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new UsageError(`--seed must be an integer (got ${options.seed}).`);
  const sandbox = await startSandboxServer({
    ...(port(options.port) !== undefined ? { port: port(options.port)! } : {}),
    ...(seed !== undefined ? { seed } : {}),
    // Same store as the server's sandbox: a Shopify Plus dev store (1000 points/s).
    shopifyBucket: { maximumAvailable: 10_000, restoreRate: 1000 },
  }).catch((error: unknown) => {
    throw portInUse(error, 'the sandbox') ?? error;
  });
  io.stdout(`IONFLUX sandbox listening on ${sandbox.url}/sandbox (GET it for the list of emulated endpoints)\n`);
  io.stdout(`  Shopify:  ${sandbox.url}/sandbox/shopify  shop ${SANDBOX_CREDENTIALS.shopify.shopDomain}\n`);
  io.stdout(`  TikTok:   ${sandbox.url}/sandbox/tiktok\n`);
  io.stdout(`  OpenAI:   ${sandbox.url}/sandbox/openai/v1  (offline model, any API key)\n`);
  return untilSignal(() => sandbox.close(), io);
}

/** `ionflux sandbox stop`: stops the local sandboxes `ionflux run --sandbox` keeps warm. */
export async function sandboxStopCommand(io: CliIO): Promise<number> {
  const { stopAllDaemons } = await import('../sandbox-daemon.js');
  const { ionfluxCacheDir } = await import('../sandbox-database-cache.js');
  const stopped = await stopAllDaemons(ionfluxCacheDir(io.env));
  io.stdout(
    stopped.length ? `Stopped the local sandbox (pid ${stopped.join(', ')}).\n` : 'No local sandbox is running.\n',
  );
  return 0;
}

/** `ionflux sandbox daemon --seed S --key K`: the local sandbox's process (started by `ionflux run --sandbox`). */
export async function sandboxDaemonCommand(options: { seed: string; key: string }, io: CliIO): Promise<number> {
  const { daemonSocketPath, serveDaemon, DEFAULT_IDLE_MS } = await import('../sandbox-daemon.js');
  const { ionfluxCacheDir } = await import('../sandbox-database-cache.js');
  const { parseDuration } = await import('@ionflux/dsl');
  const seed = Number(options.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer (got ${options.seed}).`);
  if (!/^[0-9a-f]{16}$/.test(options.key)) throw new UsageError('--key must be the 16-hex-digit build key.');
  const idle = io.env.IONFLUX_SANDBOX_IDLE;
  const idleMs = idle === undefined ? DEFAULT_IDLE_MS : parseDuration(idle);
  if (idleMs === undefined) throw new UsageError(`IONFLUX_SANDBOX_IDLE must be a duration such as 15m (got ${idle}).`);
  const cacheDir = ionfluxCacheDir(io.env);
  const socketPath = daemonSocketPath(cacheDir, seed, options.key);
  if (!socketPath) throw new UsageError(`The cache folder's path is too long for a socket: ${cacheDir}`);
  io.stdout(`local sandbox ${process.pid} on ${socketPath}\n`);
  await serveDaemon({ cacheDir, seed, key: options.key, socketPath, idleMs });
  io.stdout(`local sandbox ${process.pid} stopped\n`);
  return 0;
}
