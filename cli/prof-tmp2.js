const server = require('@ionflux/server');
const cache = require('./dist/sandbox-database-cache.js');
(async () => {
  const key = await cache.sandboxDatabaseKey();
  const c = await cache.readCachedDatabase('/tmp/ifx-cache-test', key);
  const t0 = Date.now();
  const s = await server.startServer({ port: 0, host: '127.0.0.1', inMemory: true, demo: true, sandbox: true, logLevel: 'silent', inMemorySnapshot: c.snapshot, jwtSecret: c.jwtSecret, encryptionKeys: c.encryptionKeys });
  console.log('startServer', Date.now() - t0);
  await s.close();
})();
