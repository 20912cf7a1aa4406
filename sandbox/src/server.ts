/** A standalone sandbox server (used by `ionflux sandbox serve [--port N] [--seed S]`). */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { createSandbox } from './router';
import type { SandboxOptions } from './router';

export interface SandboxServerOptions extends SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only by default; the sandbox is not meant to be exposed. */
  host?: string;
}

export interface SandboxServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the emulators on their own HTTP server, mounted at `/sandbox`.
 *
 * @example
 * const sandbox = await startSandboxServer({ seed: 42 });
 * await fetch(`${sandbox.url}/sandbox`); // lists the endpoints
 * await sandbox.close();
 */
export async function startSandboxServer(options: SandboxServerOptions = {}): Promise<SandboxServer> {
  const { port = 0, host = '127.0.0.1', ...sandboxOptions } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const sandbox = createSandbox(sandboxOptions);
  app.use('/sandbox', sandbox.router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'Not found: the sandbox lives under /sandbox (GET /sandbox lists the endpoints).' });
  });
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
    s.once('error', reject);
  });
  // Generating a year of orders (or 200 000) blocks a request for seconds. With Node's 5 s keep-alive, an idle socket
  // of the same client can time out during such a block and be closed just as the client reuses it (ECONNRESET):
  // the server keeps idle sockets longer than clients do, so clients retire them first.
  server.keepAliveTimeout = 65_000;
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      await sandbox.dispose();
    },
  };
}
