import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { UsageError, type CliIO } from '../io';

export interface SimulateOrderOptions {
  server?: string;
  store: string;
  total: string;
  currency?: string;
  token?: string;
  email?: string;
  password?: string;
  format?: 'text' | 'json';
}

/** Where `ionflux serve` listens by default. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';
const DEMO_ACCOUNT = { email: 'demo@ionflux.local', password: 'ionflux-demo' };

interface Delivery {
  address: string;
  topic: string;
  delivered: boolean;
  status: number | null;
  eventId: string;
  error: string | null;
}

/** JSON answers of the server and the sandbox, read field by field where they are used. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON from the wire
type Json = any;

async function request(
  url: string,
  init: { method: string; token?: string; body?: unknown; headers?: Record<string, string> },
): Promise<{ status: number; body: Json }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.headers ?? {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch (error) {
    throw new UsageError(
      `Cannot reach ${new URL(url).origin} (${(error as Error).message}): start it with \`npm start\` or pass --server URL`,
      'server_unreachable',
    );
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: reported as text.
  }
  return { status: response.status, body };
}

/**
 * `ionflux simulate shopify-order`: creates an order in the server's sandbox store and lets the sandbox deliver the
 * signed `orders/create` webhook to the server, as Shopify would. The store must be subscribed to the server's
 * /webhooks/shopify (connecting it through OAuth does that); a store connected by hand gets the subscription here,
 * through the Admin GraphQL webhookSubscriptionCreate, as the app would have created it. Creating orders is a
 * sandbox control operation: it needs a server admin (the demo account on `npm start`).
 */
export async function simulateShopifyOrderCommand(options: SimulateOrderOptions, io: CliIO): Promise<number> {
  const server = (options.server ?? io.env.IONFLUX_URL ?? DEFAULT_SERVER_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(server)) throw new UsageError(`--server must be an http(s) URL (got ${server})`);
  const total = Number(options.total);
  if (!/^\d+(\.\d{1,2})?$/.test(options.total.trim()) || !(total > 0))
    throw new UsageError(`--total must be a positive amount such as 150 or 150.00 (got ${options.total})`);
  const currency = (options.currency ?? 'USD').toUpperCase();
  if (currency !== 'USD')
    throw new UsageError(`--currency: the sandbox store sells in USD only (got ${options.currency})`);
  const shop = SANDBOX_CREDENTIALS.shopify.shopDomain;
  if (options.store.trim().toLowerCase() !== shop)
    throw new UsageError(`--store: the sandbox has one store, ${shop} (got ${options.store})`);

  const sandbox = await request(`${server}/sandbox`, { method: 'GET' });
  if (sandbox.status !== 200)
    throw new UsageError(
      `${server} does not serve the sandbox (GET /sandbox answered ${sandbox.status}): start it with --sandbox or --demo`,
      'sandbox_off',
    );

  let token = options.token ?? io.env.IONFLUX_ACCESS_TOKEN;
  if (!token) {
    const email = options.email ?? io.env.IONFLUX_ADMIN_EMAIL ?? DEMO_ACCOUNT.email;
    const password = options.password ?? io.env.IONFLUX_ADMIN_PASSWORD ?? DEMO_ACCOUNT.password;
    const login = await request(`${server}/api/auth/login`, { method: 'POST', body: { email, password } });
    if (login.status !== 200)
      throw new UsageError(
        `Could not sign in as ${email} (${login.body?.error?.message ?? login.status}): pass --email/--password of a server admin, or --token`,
        'sign_in_failed',
      );
    token = login.body.accessToken as string;
  }

  // The store's subscription to this server's intake (created as the app would create it, if missing).
  const callbackUrl = `${server}/webhooks/shopify`;
  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await request(
      `${server}/sandbox/shopify/admin/api/${SANDBOX_CREDENTIALS.shopify.apiVersion}/graphql.json`,
      {
        method: 'POST',
        headers: { 'x-shopify-access-token': SANDBOX_CREDENTIALS.shopify.accessToken },
        body: { query, variables },
      },
    );
    if (res.status !== 200 || res.body?.errors) throw new Error(`sandbox GraphQL: ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  const existing = await graphql(
    `
      query ($uri: String!) {
        webhookSubscriptions(first: 10, topics: [ORDERS_CREATE], uri: $uri) {
          nodes {
            id
            uri
          }
        }
      }
    `,
    { uri: callbackUrl },
  );
  const subscribed = (existing.webhookSubscriptions.nodes as { uri: string }[]).some((n) => n.uri === callbackUrl);
  if (!subscribed) {
    const created = await graphql(
      `
        mutation ($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
          webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) {
            userErrors {
              field
              message
            }
          }
        }
      `,
      { topic: 'ORDERS_CREATE', sub: { uri: callbackUrl, format: 'JSON' } },
    );
    const errors = created.webhookSubscriptionCreate.userErrors as { message: string }[];
    if (errors.length > 0) throw new UsageError(`Could not subscribe ${callbackUrl}: ${errors[0]!.message}`);
  }

  const created = await request(`${server}/sandbox/shopify/control/orders`, {
    method: 'POST',
    token,
    body: { total: total.toFixed(2) },
  });
  if (created.status !== 201)
    throw new UsageError(
      `The sandbox refused the order (${created.status}): ${created.body?.error?.message ?? JSON.stringify(created.body)}`,
      'order_refused',
    );
  const deliveries = (created.body.deliveries as Delivery[]).filter((d) => d.address === callbackUrl);
  const delivered = deliveries.filter((d) => d.topic === 'orders/create' && d.delivered);
  const order = created.body.order as { name: string; legacyResourceId: string; totalPrice: string };
  if (options.format === 'json') {
    io.stdout(
      `${JSON.stringify({ status: delivered.length > 0 ? 'delivered' : 'failed', order, deliveries }, null, 2)}\n`,
    );
  } else {
    io.stdout(
      `Order ${order.name} (${order.legacyResourceId}) for ${order.totalPrice} ${currency} created in ${shop}\n`,
    );
    for (const d of deliveries)
      io.stdout(
        `  ${d.topic} -> ${d.address}: ${d.delivered ? `delivered (${d.status})` : `not delivered (${d.error ?? d.status})`}, event ${d.eventId}\n`,
      );
  }
  return delivered.length > 0 ? 0 : 1;
}
