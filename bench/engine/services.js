'use strict';
// The services bench/engine's agents talk to, in their own process (so the engine under test has its event loop to
// itself): an IONFLUX server (embedded PGlite in memory, demo workspace) for canvas writes, and the sandbox
// emulators for Shopify and the LLM. Sends { serverUrl, sandboxUrl, apiToken } to the parent over IPC.
const { startServer } = require('@ionflux/server');
const { startSandboxServer } = require('@ionflux/sandbox');

async function main() {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    inMemory: true,
    demo: true,
    sandbox: false,
    logLevel: 'warn',
  });
  // The benchmark measures the engine, not Shopify's query budget: the store's bucket never runs dry.
  const sandbox = await startSandboxServer({
    port: 0,
    host: '127.0.0.1',
    shopifyBucket: { maximumAvailable: 1e12, restoreRate: 1e12 },
  });
  const json = async (path, body, token) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const { accessToken } = await json('/api/auth/login', { email: server.demo.email, password: server.demo.password });
  const { token } = await json(
    `/api/workspaces/${server.demo.workspaceId}/api-tokens`,
    { name: 'bench/engine' },
    accessToken,
  );
  process.send({ serverUrl: server.url, sandboxUrl: sandbox.url, apiToken: token });
  // The parent asks for this process's CPU time around each measurement.
  process.on('message', (message) => {
    if (message === 'cpu') process.send({ cpu: process.cpuUsage() });
  });
  process.on('disconnect', async () => {
    await Promise.all([server.close(), sandbox.close()]);
    process.exit(0);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
