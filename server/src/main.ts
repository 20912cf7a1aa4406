import { ConfigError, type ServerOptions } from './config';
import { startServer, type ServerHandle } from './server';

const USAGE = `usage: node server/dist/main.js [--port N] [--host ADDR] [--data-dir DIR] [--database-url URL] [--demo] [--sandbox]
  --demo      seed the demo account and workspace (and serve the sandbox; the demo account is a server admin)
  --sandbox   serve the Shopify/TikTok/LLM emulators under /sandbox (off unless asked for)
  env: PORT, IONFLUX_HOST, IONFLUX_DATA_DIR, DATABASE_URL, IONFLUX_DEMO=1, IONFLUX_SANDBOX=1, IONFLUX_ADMIN_EMAILS,
       IONFLUX_LOG_LEVEL, IONFLUX_JWT_SECRET, IONFLUX_ENCRYPTION_KEYS (keyId:base64,...), IONFLUX_ALLOWED_ORIGINS,
       IONFLUX_COOKIE_SECURE=1, IONFLUX_REQUEST_TIMEOUT_MS, IONFLUX_LOGIN_MAX_ATTEMPTS(_PER_IP), IONFLUX_SIGNUP_MAX_PER_IP`;

/** `--port 8080 --data-dir x --demo` -> options; throws ConfigError on unknown or incomplete flags. */
export function parseServeArguments(argv: string[]): ServerOptions & { help?: boolean } {
  const options: ServerOptions & { help?: boolean } = {};
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = (): string | undefined => {
      const v = inline ?? argv[++i];
      if (v === undefined) problems.push(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const v = value();
        if (v !== undefined) {
          const port = Number(v);
          if (!Number.isInteger(port)) problems.push(`--port must be an integer (got ${JSON.stringify(v)})`);
          else options.port = port;
        }
        break;
      }
      case '--host':
        options.host = value();
        break;
      case '--data-dir':
        options.dataDir = value();
        break;
      case '--database-url':
        options.databaseUrl = value();
        break;
      case '--demo':
        options.demo = true;
        break;
      case '--sandbox':
        options.sandbox = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        problems.push(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return options;
}

/**
 * Runs the server until SIGINT/SIGTERM, printing its URL when ready. Returns the process exit code on failure to
 * start (2 for configuration problems, 1 otherwise).
 */
export async function main(argv: string[] = process.argv.slice(2)): Promise<ServerHandle | number> {
  let server: ServerHandle;
  try {
    const options = parseServeArguments(argv);
    if (options.help) {
      console.log(USAGE);
      return 0;
    }
    delete options.help;
    server = await startServer(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\n${USAGE}`);
      return 2;
    }
    console.error(`IONFLUX server failed to start: ${(error as Error).message}`);
    return 1;
  }
  console.log(`IONFLUX server listening on ${server.url} (API docs: ${server.url}/api/docs)`);
  if (server.demo) console.log(`Demo login: ${server.demo.email} / ${server.demo.password}`);
  const stop = (signal: string) => {
    console.log(`${signal}: shutting down...`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  const onSigint = () => stop('SIGINT');
  const onSigterm = () => stop('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  server.http.once('close', () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  });
  return server;
}

if (require.main === module) {
  void main().then((result) => {
    if (typeof result === 'number') process.exit(result);
  });
}
