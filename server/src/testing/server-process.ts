import fs from 'node:fs';
import type { ServerOptions } from '../config';
import { startServer } from '../server';

/**
 * A server in a process of its own, for tests that need several server processes on one database (the scheduler's
 * exactly-once test). Run `node server/dist/testing/server-process.js '<json>'` with `{ options, clock? }`:
 * `options` are ServerOptions (JSON); with `clockFile`, the scheduler's clock is the number (ms since the epoch) in
 * that file, so a test moves the time of every process at once, whatever their speed.
 * Prints `READY <url>` once listening; SIGTERM closes the server gracefully and exits 0.
 */
interface ProcessArguments {
  options: ServerOptions;
  clockFile?: string;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as ProcessArguments;
  const clockFile = args.clockFile;
  const server = await startServer({
    ...args.options,
    ...(clockFile ? { clock: () => Number(fs.readFileSync(clockFile, 'utf8')) } : {}),
  });
  process.stdout.write(`READY ${server.url}\n`);
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`server-process failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
