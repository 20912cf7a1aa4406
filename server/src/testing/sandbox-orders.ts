import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';

/**
 * The sandbox store's sales of the days of [from, to) in Shopify's definitions (what revenue agents report), from the
 * sandbox's own shopifyqlQuery (checked against its raw orders in sandbox/src/shopify/shopifyql.test.ts): total
 * sales, returns, and the orders placed (cancelled ones included). `from` and `to` are midnights of the shop's zone,
 * as the revenue summary reports them (`2026-11-01T00:00:00+00:00`).
 */
export async function sandboxOrderTotals(
  baseUrl: string,
  from: string,
  to: string,
): Promise<{ total: number; count: number; refunded: number }> {
  const lastDay = new Date(Date.parse(to) - 86_400_000 + zoneOffsetMs(to)).toISOString().slice(0, 10);
  const query = `FROM sales SHOW total_sales, orders, returns SINCE ${from.slice(0, 10)} UNTIL ${lastDay}`;
  for (;;) {
    const response = await fetch(`${baseUrl}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Shopify-Access-Token': SANDBOX_CREDENTIALS.shopify.accessToken,
      },
      body: JSON.stringify({
        query: 'query($q: String!) { shopifyqlQuery(query: $q) { parseErrors tableData { rows } } }',
        variables: { q: query },
      }),
    });
    const body = (await response.json()) as {
      data?: {
        shopifyqlQuery: { parseErrors: string[]; tableData: { rows: Record<string, string | number>[] } | null };
      };
      errors?: { extensions?: { code?: string } }[];
    };
    if (body.errors?.some((e) => e.extensions?.code === 'THROTTLED')) {
      await new Promise((resolve) => setTimeout(resolve, 1000)); // an agent just used the store's query budget
      continue;
    }
    const table = body.data?.shopifyqlQuery.tableData;
    if (!table) throw new Error(`sandbox ShopifyQL error: ${JSON.stringify(body.errors ?? body.data)}`);
    const row = table.rows[0]!;
    return { total: Number(row.total_sales), count: Number(row.orders), refunded: -Number(row.returns) };
  }
}

/** The UTC offset written at the end of an ISO date-time (`-05:00`), in ms. */
function zoneOffsetMs(iso: string): number {
  const match = /([+-])(\d{2}):(\d{2})$/.exec(iso);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000;
}
