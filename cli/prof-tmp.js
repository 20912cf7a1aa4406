require('node:module').enableCompileCache?.();
const t0 = Date.now();
const lap = (l) => console.log(l.padEnd(28), Date.now() - t0);
require('./dist/main.js'); lap('cli main');
require('@ionflux/compiler'); lap('compiler');
const engine = require('@ionflux/engine'); lap('engine module');
const server = require('@ionflux/server'); lap('server module');
const cache = require('./dist/sandbox-database-cache.js');
(async () => {
  const key = await cache.sandboxDatabaseKey(); lap('key');
  const c = await cache.readCachedDatabase('/tmp/ifx-cache-test', key); lap('read cache');
  const s = await server.startServer({ port: 0, host: '127.0.0.1', inMemory: true, demo: true, sandbox: true, logLevel: 'silent', inMemorySnapshot: c.snapshot, jwtSecret: c.jwtSecret, encryptionKeys: c.encryptionKeys });
  lap('startServer');
  const { startSandboxEnvironment } = require('./dist/sandbox-environment.js');
  await s.close(); lap('close');
})();
