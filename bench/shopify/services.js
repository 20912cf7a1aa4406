'use strict';
// The sandbox bench/shopify's runs talk to, in its own process (the engine under test keeps its event loop and CPU
// to itself): a large Shopify store (ORDERS orders over HISTORY_DAYS days), generated and indexed before the parent
// is told the URL. Sends { sandboxUrl, orders } over IPC; answers 'cpu' with its CPU time.
const { startSandboxServer, SANDBOX_CREDENTIALS } = require('@ionflux/sandbox');

async function main() {
  const orders = Number(process.env.ORDERS ?? 200_000);
  const historyDays = Number(process.env.HISTORY_DAYS ?? 730);
  // The benchmark measures the engine, not Shopify's query budget: the bucket never runs dry (the parent prints the
  // cost points each report used, and what Shopify's standard bucket would make of them).
  const sandbox = await startSandboxServer({
    port: 0,
    host: '127.0.0.1',
    shopifyStore: { orders, historyDays },
    shopifyBucket: { maximumAvailable: 1e12, restoreRate: 1e12 },
  });
  // Generate every order and the sales table once, as a long-running store would have them.
  const response = await fetch(`${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': SANDBOX_CREDENTIALS.shopify.accessToken },
    body: JSON.stringify({
      query: `{ shopifyqlQuery(query: "FROM sales SHOW orders SINCE -${historyDays + 1}d UNTIL today") { tableData { rows } } }`,
    }),
  });
  const body = await response.json();
  process.send({ sandboxUrl: sandbox.url, orders: body.data.shopifyqlQuery.tableData.rows[0].orders });
  process.on('message', (message) => {
    if (message === 'cpu') process.send({ cpu: process.cpuUsage() });
  });
  process.on('disconnect', async () => {
    await sandbox.close();
    process.exit(0);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
