import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';

/**
 * The sandbox store's orders created in [from, to), summed straight from its Admin GraphQL API (an independent
 * source for what revenue agents report): total and refunded in the shop's money, and the count, cancelled orders
 * left out.
 */
export async function sandboxOrderTotals(
  baseUrl: string,
  from: string,
  to: string,
): Promise<{ total: number; count: number; refunded: number }> {
  let after: string | null = null;
  let total = 0;
  let refunded = 0;
  let count = 0;
  for (;;) {
    const response = await fetch(`${baseUrl}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Shopify-Access-Token': SANDBOX_CREDENTIALS.shopify.accessToken,
      },
      body: JSON.stringify({
        query: `query($after: String, $q: String) { orders(first: 100, after: $after, query: $q) {
          nodes { cancelledAt totalPriceSet { shopMoney { amount } } totalRefundedSet { shopMoney { amount } } }
          pageInfo { hasNextPage endCursor } } }`,
        variables: { after, q: `created_at:>='${from}' created_at:<'${to}' status:any` },
      }),
    });
    const body = (await response.json()) as {
      data?: {
        orders: {
          nodes: {
            cancelledAt: string | null;
            totalPriceSet: { shopMoney: { amount: string } };
            totalRefundedSet: { shopMoney: { amount: string } };
          }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
      errors?: { extensions?: { code?: string } }[];
    };
    if (body.errors?.some((e) => e.extensions?.code === 'THROTTLED')) {
      await new Promise((resolve) => setTimeout(resolve, 1000)); // an agent just used the store's query budget
      continue;
    }
    if (!body.data) throw new Error(`sandbox GraphQL error: ${JSON.stringify(body.errors)}`);
    for (const order of body.data.orders.nodes) {
      if (order.cancelledAt) continue;
      count++;
      total += Math.round(Number(order.totalPriceSet.shopMoney.amount) * 100);
      refunded += Math.round(Number(order.totalRefundedSet.shopMoney.amount) * 100);
    }
    if (!body.data.orders.pageInfo.hasNextPage) break;
    after = body.data.orders.pageInfo.endCursor;
  }
  return { total: total / 100, count, refunded: refunded / 100 };
}
