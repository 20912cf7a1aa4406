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
