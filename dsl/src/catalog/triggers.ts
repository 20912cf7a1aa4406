import { any, arr, int, nullable, obj, record, str, type JsonSchema } from './json-schema';

/**
 * How an agent starts. Each trigger has its configuration (what the author writes under `trigger:`) and the shape
 * of the payload the run receives as `{{ trigger }}`.
 */
export interface TriggerDefinition {
  title: string;
  description: string;
  config: JsonSchema;
  payload: JsonSchema;
}

const moneyString = str({ description: 'Money as Shopify sends it in webhooks: a decimal string such as "150.00".' });

/** The order as Shopify's `orders/*` webhooks deliver it (REST shape, snake_case). Known fields are typed; others pass. */
export const shopifyOrderWebhook = obj(
  {
    id: int(),
    admin_graphql_api_id: str(),
    name: str({ description: 'e.g. #1001' }),
    order_number: int(),
    email: nullable(str()),
    created_at: str(),
    updated_at: str(),
    cancelled_at: nullable(str()),
    currency: str(),
    total_price: moneyString,
    subtotal_price: moneyString,
    total_tax: moneyString,
    total_discounts: moneyString,
    financial_status: nullable(str()),
    fulfillment_status: nullable(str()),
    tags: str({ description: 'Comma-separated tags.' }),
    note: nullable(str()),
    line_items: arr(
      obj(
        {
          id: int(),
          title: str(),
          quantity: int(),
          price: moneyString,
          sku: nullable(str()),
          product_id: nullable(int()),
          variant_id: nullable(int()),
        },
        { open: true },
      ),
    ),
    customer: nullable(
      obj(
        { id: int(), email: nullable(str()), first_name: nullable(str()), last_name: nullable(str()) },
        { open: true },
      ),
    ),
    shipping_address: nullable(
      obj(
        { city: nullable(str()), province: nullable(str()), country: nullable(str()), zip: nullable(str()) },
        { open: true },
      ),
    ),
  },
  { open: true },
);

export const triggerCatalog = {
  manual: {
    title: 'Manual',
    description: 'Started by a person: the Run button, the API or `ionflux run`.',
    config: obj({}),
    payload: obj({ startedBy: nullable(str()), startedAt: str({ format: 'date-time' }) }, { open: true }),
  },
  schedule: {
    title: 'Schedule',
    description: 'Runs on a cron schedule.',
    config: obj(
      {
        cron: str({
          description: 'Five-field cron: minute hour day-of-month month day-of-week, e.g. `0 9 * * 1-5`.',
          examples: ['0 9 * * 1-5'],
        }),
        timezone: str({ description: 'IANA timezone, e.g. Europe/Paris. Default: UTC.', default: 'UTC' }),
      },
      { required: ['cron'] },
    ),
    payload: obj({ scheduledAt: str({ format: 'date-time' }), timezone: str() }),
  },
  webhook: {
    title: 'Webhook',
    description: "Runs when an HTTP request reaches the agent's webhook URL.",
    config: obj({
      path: str({
        description: 'Path segment of the webhook URL; default: the agent name.',
        pattern: '^[a-z0-9][a-z0-9-_/]*$',
      }),
      method: str({ enum: ['POST', 'GET', 'PUT'], default: 'POST' }),
    }),
    payload: obj({ body: any(), headers: record(str()), query: record(str()), method: str() }),
  },
  'chat.command': {
    title: 'Chat command',
    description: 'Runs on `/run_agent <agent> <command> [args]` in the team chat.',
    config: obj(
      {
        command: str({ description: 'Command word, e.g. `summarize_thread`.', pattern: '^[a-z][a-z0-9_]*$' }),
        description: str({ description: 'Shown in the chat command autocomplete.' }),
      },
      { required: ['command'] },
    ),
    payload: obj({
      command: str(),
      text: str({ description: 'Everything after the command word.' }),
      args: arr(str()),
      channel: str({ description: 'Channel name where the command was typed.' }),
      threadId: nullable(str({ description: 'Thread the command was typed in, if any.' })),
      messageId: str(),
      user: obj({ id: str(), name: str() }),
    }),
  },
  'shopify.order': {
    title: 'Shopify order event',
    description: 'Runs on a Shopify order webhook (signed with the app secret; the signature is verified).',
    config: obj(
      {
        connection: str({ description: 'The shopify connection whose store sends the webhooks.' }),
        topic: str({
          enum: ['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled', 'orders/fulfilled'],
          default: 'orders/create',
        }),
      },
      { required: ['connection'] },
    ),
    payload: obj({ topic: str(), shop: str(), order: shopifyOrderWebhook }),
  },
} as const satisfies Record<string, TriggerDefinition>;

export type TriggerKind = keyof typeof triggerCatalog;
export const triggerKinds = Object.keys(triggerCatalog) as TriggerKind[];
