import { any, arr, bool, int, nullable, num, obj, record, str, type JsonSchema } from './json-schema';
import type { ConnectionType } from './connections';

/**
 * Every action a step can `use`. The table is the single source for the published schema (parameters), the type
 * checker (outputs), the reference doc and the compiler (which maps each action to an n8n node operation).
 * Adding an action: one entry here, one operation file in the node package, one line in the compiler's node map.
 */
export interface ActionDefinition {
  title: string;
  description: string;
  /** The connection type the action needs; `required: false` means it falls back to the workspace default. */
  connection?: { type: ConnectionType; required: boolean; scopes?: readonly string[] };
  /** READ actions only observe; WRITE actions change something outside the run. */
  effect: 'read' | 'write';
  /** Whether running it twice with the same parameters has the same effect as once (safe to retry). */
  idempotent: boolean;
  params: JsonSchema;
  output: JsonSchema;
}

const period = str({
  description: 'Reporting period, relative to now in the store timezone. `custom` uses `from` and `to`.',
  enum: [
    'today',
    'yesterday',
    'last_7_days',
    'last_30_days',
    'last_90_days',
    'last_365_days',
    'month_to_date',
    'last_month',
    'year_to_date',
    'custom',
  ],
  default: 'last_7_days',
});
const dateBound = (what: string) =>
  str({ description: `${what} as an ISO date (2026-11-01) or date-time; used when period is custom.` });

const money = num({ description: 'Amount in the shop currency (Shopify sends strings; IONFLUX converts to numbers).' });

const reportSource = str({
  enum: ['shopifyql', 'orders'],
  description: 'shopifyql: one shopifyqlQuery (read_reports); orders: computed from the orders, paged.',
});
const salesFigures = {
  grossSales: money,
  discounts: money,
  refunded: money,
  net: money,
  orders: int(),
  quantity: int({ description: 'Net items sold: items sold minus items returned.' }),
};
const orderSalesFigures = { ...salesFigures, shipping: money, taxes: money, total: money };
const productFigures = {
  ...salesFigures,
  taxes: num({
    description:
      "Taxes charged on the product's lines minus taxes refunded on them (shipping and its taxes are no product's).",
  }),
  total: num({ description: 'Net sales + the taxes of the product (no shipping).' }),
};
const reportFooter = { currency: str(), from: str(), to: str(), apiCalls: int(), costPoints: num() };
const productSalesOutput = obj({
  source: reportSource,
  products: arr(obj({ productId: nullable(str()), title: nullable(str()), ...productFigures })),
  count: int(),
  ...reportFooter,
});

const orderLineItem = obj({
  title: str(),
  quantity: int(),
  sku: nullable(str()),
  unitPrice: money,
  productId: nullable(str()),
  variantId: nullable(str()),
});

export const shopifyOrder = obj(
  {
    id: str({ description: 'Global id, e.g. gid://shopify/Order/1001.' }),
    legacyId: str({ description: 'Numeric id as used in webhooks and the admin URL.' }),
    name: str({ description: 'Order name shown to merchants, e.g. #1001.' }),
    createdAt: str({ format: 'date-time' }),
    totalPrice: money,
    subtotalPrice: money,
    totalTax: money,
    totalDiscounts: money,
    totalRefunded: money,
    currency: str(),
    financialStatus: nullable(str()),
    fulfillmentStatus: nullable(str()),
    cancelled: bool(),
    email: nullable(str()),
    customer: nullable(
      obj({ id: str(), email: nullable(str()), firstName: nullable(str()), lastName: nullable(str()) }),
    ),
    lineItems: arr(orderLineItem),
    tags: arr(str()),
  },
  { description: 'An order, normalized from the Shopify Admin GraphQL API.' },
);

const variant = obj({
  id: str(),
  title: str(),
  sku: nullable(str()),
  price: money,
  inventoryQuantity: nullable(int()),
});
export const shopifyProduct = obj({
  id: str(),
  title: str(),
  handle: str(),
  vendor: str(),
  productType: str(),
  status: str(),
  totalInventory: int(),
  price: money,
  variants: arr(variant),
});

const customer = obj({
  id: str(),
  firstName: nullable(str()),
  lastName: nullable(str()),
  email: nullable(str()),
  numberOfOrders: int(),
  amountSpent: money,
  createdAt: str({ format: 'date-time' }),
});

const usage = obj(
  { promptTokens: int(), completionTokens: int(), totalTokens: int() },
  { description: 'Tokens used by the call, as reported by the model provider.' },
);
const llmCommon = {
  model: str({ description: "Model id; defaults to the connection's default model." }),
  temperature: num({ minimum: 0, maximum: 2, description: 'Sampling temperature.' }),
  maxTokens: int({ minimum: 1, maximum: 200000, description: 'Upper bound on completion tokens.' }),
};

const chatMessage = obj({
  id: str(),
  author: str({ description: 'Display name of the user or agent that wrote the message.' }),
  authorKind: str({ enum: ['user', 'agent'] }),
  text: str(),
  createdAt: str({ format: 'date-time' }),
  threadId: nullable(str()),
});

const blockWrite = obj({
  pageId: str(),
  blockId: str(),
  blockKey: str(),
  version: int({ description: 'Version of the block after the write.' }),
});
const blockParams = (mode: string) =>
  obj(
    {
      page: str({
        description:
          "Canvas page id or title. Default: the page holding the agent's snippet block (or a page named after the agent).",
      }),
      createPage: bool({
        default: false,
        description:
          'With `page` given as a title: create a page with that title when the workspace has none (otherwise the step fails, naming the page).',
      }),
      block: str({ description: 'Key of the block on the page (a slug such as `revenue`).' }),
      content: any({ description: `Content to ${mode}: text (markdown) or structured data.` }),
      format: str({
        enum: ['markdown', 'text', 'json', 'table'],
        default: 'markdown',
        description: 'How the block renders the content.',
      }),
      title: str({ description: 'Optional title shown above the block.' }),
    },
    { required: ['block', 'content'] },
  );

const creator = obj({
  handle: str({ description: 'TikTok username without @.' }),
  displayName: str(),
  followers: int(),
  engagementRate: num({ description: 'Average (likes + comments + shares) / views over recent videos, 0..1.' }),
  averageViews: int(),
  region: str(),
  niche: str(),
  recentVideos: arr(
    obj({
      id: str(),
      description: str(),
      views: int(),
      likes: int(),
      comments: int(),
      shares: int(),
      createdAt: str(),
    }),
  ),
});

const httpMethod = str({ enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], default: 'GET' });

export const actionCatalog = {
  'shopify.orders.list': {
    title: 'List Shopify orders',
    description: 'Orders created in a period, newest first, across all pages.',
    connection: { type: 'shopify', required: true, scopes: ['read_orders'] },
    effect: 'read',
    idempotent: true,
    params: obj({
      period,
      from: dateBound('Start (inclusive)'),
      to: dateBound('End (exclusive)'),
      status: str({
        enum: ['any', 'open', 'closed', 'cancelled'],
        default: 'any',
        description: 'Order status filter.',
      }),
      query: str({ description: 'Extra Shopify search syntax, e.g. `financial_status:paid`.' }),
      limit: int({ minimum: 1, maximum: 10000, default: 250, description: 'Maximum number of orders to return.' }),
    }),
    output: obj({ orders: arr(shopifyOrder), count: int(), from: str(), to: str() }),
  },
  'shopify.orders.get': {
    title: 'Get a Shopify order',
    description: 'One order by id (global id or numeric id).',
    connection: { type: 'shopify', required: true, scopes: ['read_orders'] },
    effect: 'read',
    idempotent: true,
    params: obj({ id: str({ description: 'Order id, e.g. gid://shopify/Order/1001 or 1001.' }) }, { required: ['id'] }),
    output: obj({ order: shopifyOrder }),
  },
  'shopify.revenue.summary': {
    title: 'Shopify revenue summary',
    description:
      "Sales of a period in Shopify's definitions (total sales, orders, average order value, gross sales, discounts, returns, net sales, shipping, taxes) and a daily series; from ShopifyQL with read_reports, else by paging orders.",
    connection: { type: 'shopify', required: true, scopes: ['read_orders'] },
    effect: 'read',
    idempotent: true,
    params: obj({ period, from: dateBound('Start (inclusive)'), to: dateBound('End (exclusive)') }),
    output: obj({
      source: str({ enum: ['shopifyql', 'orders'] }),
      total: money,
      orders: int(),
      averageOrderValue: money,
      grossSales: money,
      discounts: money,
      refunded: money,
      net: money,
      shipping: money,
      taxes: money,
      currency: str(),
      from: str(),
      to: str(),
      daily: arr(obj({ date: str({ format: 'date' }), total: money, net: money, orders: int() })),
      apiCalls: int(),
      costPoints: num(),
    }),
  },
  'shopify.revenue.series': {
    title: 'Shopify revenue by day, week or month',
    description:
      "Sales of a period per day, week (starting Monday) or month in Shopify's definitions, every bucket listed; from ShopifyQL with read_reports, else by paging orders.",
    connection: { type: 'shopify', required: true, scopes: ['read_orders'] },
    effect: 'read',
    idempotent: true,
    params: obj({
      period,
      from: dateBound('Start (inclusive)'),
      to: dateBound('End (exclusive)'),
      interval: str({ enum: ['day', 'week', 'month'], default: 'day', description: 'Length of each bucket.' }),
    }),
    output: obj({
      source: reportSource,
      interval: str({ enum: ['day', 'week', 'month'] }),
      buckets: arr(obj({ start: str({ format: 'date' }), ...orderSalesFigures })),
      ...reportFooter,
    }),
  },
  'shopify.revenue.byChannel': {
    title: 'Shopify revenue by sales channel',
    description:
      'Sales of a period per sales channel (Online Store, Point of Sale, Draft Orders, apps), highest total first; from ShopifyQL with read_reports, else by paging orders.',
    connection: { type: 'shopify', required: true, scopes: ['read_orders'] },
    effect: 'read',
    idempotent: true,
    params: obj({ period, from: dateBound('Start (inclusive)'), to: dateBound('End (exclusive)') }),
    output: obj({
      source: reportSource,
      channels: arr(obj({ channel: str(), ...orderSalesFigures })),
      ...reportFooter,
    }),
  },
  'shopify.revenue.byProduct': {
    title: 'Shopify revenue by product',
    description:
      'Sales of a period per product (gross sales, discounts, returns, net sales, taxes, total, net items sold, orders); from ShopifyQL with read_reports, else by paging orders.',
    connection: { type: 'shopify', required: true, scopes: ['read_orders'] },
    effect: 'read',
    idempotent: true,
    params: obj({
      period,
      from: dateBound('Start (inclusive)'),
      to: dateBound('End (exclusive)'),
      sortBy: str({ enum: ['netSales', 'quantity', 'title'], default: 'title' }),
      limit: int({ minimum: 1, maximum: 5000, default: 1000 }),
    }),
    output: productSalesOutput,
  },
  'shopify.revenue.topProducts': {
    title: 'Top Shopify products',
    description:
      'The best-selling products of a period by net sales or net items sold; from ShopifyQL with read_reports, else by paging orders.',
    connection: { type: 'shopify', required: true, scopes: ['read_orders'] },
    effect: 'read',
    idempotent: true,
    params: obj({
      period,
      from: dateBound('Start (inclusive)'),
      to: dateBound('End (exclusive)'),
      rankBy: str({ enum: ['netSales', 'quantity'], default: 'netSales' }),
      limit: int({ minimum: 1, maximum: 100, default: 10 }),
    }),
    output: productSalesOutput,
  },
  'shopify.products.list': {
    title: 'List Shopify products',
    description: 'Products, optionally filtered with Shopify search syntax.',
    connection: { type: 'shopify', required: true, scopes: ['read_products'] },
    effect: 'read',
    idempotent: true,
    params: obj({
      query: str({ description: 'Shopify search syntax, e.g. `title:*shirt*` or `product_type:Hoodies`.' }),
      status: str({ enum: ['active', 'draft', 'archived', 'any'], default: 'active' }),
      limit: int({ minimum: 1, maximum: 5000, default: 250 }),
    }),
    output: obj({ products: arr(shopifyProduct), count: int() }),
  },
  'shopify.products.get': {
    title: 'Get a Shopify product',
    description: 'One product by id.',
    connection: { type: 'shopify', required: true, scopes: ['read_products'] },
    effect: 'read',
    idempotent: true,
    params: obj({ id: str({ description: 'Product id, global or numeric.' }) }, { required: ['id'] }),
    output: obj({ product: shopifyProduct }),
  },
  'shopify.products.lowStock': {
    title: 'Low-stock Shopify products',
    description: 'Active products whose total inventory is at or below a threshold, lowest first.',
    connection: { type: 'shopify', required: true, scopes: ['read_products', 'read_inventory'] },
    effect: 'read',
    idempotent: true,
    params: obj({
      threshold: int({ minimum: 0, default: 10, description: 'Inventory at or below this counts as low.' }),
      limit: int({ minimum: 1, maximum: 5000, default: 50 }),
    }),
    output: obj({ products: arr(shopifyProduct), count: int(), threshold: int() }),
  },
  'shopify.customers.list': {
    title: 'List Shopify customers',
    description: 'Customers, optionally filtered with Shopify search syntax, sorted by amount spent.',
    connection: { type: 'shopify', required: true, scopes: ['read_customers'] },
    effect: 'read',
    idempotent: true,
    params: obj({
      query: str({ description: 'Shopify search syntax, e.g. `orders_count:>3`.' }),
      limit: int({ minimum: 1, maximum: 5000, default: 100 }),
    }),
    output: obj({
      customers: arr(customer),
      count: int({ description: 'Customers returned (at most `limit`).' }),
      total: int({ description: 'Customers matching the query, however many were returned.' }),
    }),
  },
  'shopify.export': {
    title: 'Export Shopify data',
    description:
      'Orders, line items, customers or products created in a period: counted, added up and the first `limit` returned; above `bulkThreshold` objects through a Shopify bulk operation streamed as JSONL, below by paging.',
    connection: { type: 'shopify', required: true, scopes: ['read_orders', 'read_products', 'read_customers'] },
    effect: 'read',
    idempotent: true,
    params: obj({
      data: str({ enum: ['orders', 'lineItems', 'customers', 'products'], default: 'orders' }),
      period,
      from: dateBound('Start (inclusive)'),
      to: dateBound('End (exclusive)'),
      limit: int({ minimum: 0, maximum: 10000, default: 100, description: 'Records returned in the output.' }),
      bulkThreshold: int({
        minimum: 0,
        default: 2500,
        description: 'Above this many matching objects the export runs as a bulk operation.',
      }),
    }),
    output: obj({
      source: str({ enum: ['bulk', 'paging'] }),
      data: str({ enum: ['orders', 'lineItems', 'customers', 'products'] }),
      count: int({ description: 'Records exported.' }),
      amount: money,
      quantity: int(),
      records: arr(record(any())),
      truncated: bool(),
      bulkOperationId: nullable(str()),
      fileSize: nullable(int()),
      currency: str(),
      from: str(),
      to: str(),
      apiCalls: int(),
      costPoints: num(),
    }),
  },
  'tiktok.trends.hashtags': {
    title: 'Trending TikTok hashtags',
    description: 'Hashtags trending for the given keywords in a region, ranked.',
    connection: { type: 'tiktok', required: true, scopes: ['research.data.basic'] },
    effect: 'read',
    idempotent: true,
    params: obj(
      {
        keywords: arr(str(), { minItems: 1, description: 'Keywords or phrases to match.' }),
        region: str({ default: 'US', description: 'Two-letter country code.' }),
        days: int({ enum: [7, 30, 120], default: 7, description: 'Trend window in days (7, 30 or 120).' }),
        limit: int({ minimum: 1, maximum: 100, default: 10 }),
      },
      { required: ['keywords'] },
    ),
    output: obj({
      hashtags: arr(
        obj({
          name: str(),
          rank: int(),
          views: int(),
          posts: int(),
          growth: num({ description: 'Growth rate over the window, e.g. 0.35 = +35%.' }),
          region: str(),
        }),
      ),
      count: int(),
    }),
  },
  'tiktok.trends.sounds': {
    title: 'Trending TikTok sounds',
    description: 'Sounds trending for the given keywords in a region, ranked.',
    connection: { type: 'tiktok', required: true, scopes: ['research.data.basic'] },
    effect: 'read',
    idempotent: true,
    params: obj(
      {
        keywords: arr(str(), { minItems: 1 }),
        region: str({ default: 'US' }),
        limit: int({ minimum: 1, maximum: 100, default: 10 }),
      },
      { required: ['keywords'] },
    ),
    output: obj({
      sounds: arr(
        obj({ id: str(), title: str(), artist: str(), rank: int(), uses: int(), growth: num(), durationSec: int() }),
      ),
      count: int(),
    }),
  },
  'tiktok.creators.search': {
    title: 'Search TikTok creators',
    description: 'Creators in a niche with followers, engagement and recent videos, best engagement first.',
    connection: { type: 'tiktok', required: true, scopes: ['creator.marketplace'] },
    effect: 'read',
    idempotent: true,
    params: obj(
      {
        niche: str({ description: 'Niche such as fashion, beauty, fitness, food, tech.' }),
        region: str({ description: 'Two-letter country code.' }),
        minFollowers: int({ minimum: 0 }),
        maxFollowers: int({ minimum: 0 }),
        minEngagementRate: num({ minimum: 0, maximum: 1 }),
        limit: int({ minimum: 1, maximum: 100, default: 10 }),
      },
      { required: ['niche'] },
    ),
    output: obj({ creators: arr(creator), count: int() }),
  },
  'tiktok.videos.stats': {
    title: 'TikTok video stats',
    description: 'Views, likes, comments and shares of videos by id.',
    connection: { type: 'tiktok', required: true, scopes: ['video.list'] },
    effect: 'read',
    idempotent: true,
    params: obj({ ids: arr(str(), { minItems: 1, maxItems: 100 }) }, { required: ['ids'] }),
    output: obj({
      videos: arr(
        obj({
          id: str(),
          description: str(),
          views: int(),
          likes: int(),
          comments: int(),
          shares: int(),
          createdAt: str(),
        }),
      ),
      count: int(),
    }),
  },
  'llm.generate': {
    title: 'Generate text',
    description: 'A chat completion: the prompt (and optional system message) in, text out.',
    connection: { type: 'llm', required: false },
    effect: 'read',
    idempotent: false,
    params: obj(
      {
        prompt: str({ description: 'What to ask.' }),
        system: str({ description: 'System instructions.' }),
        ...llmCommon,
      },
      { required: ['prompt'] },
    ),
    output: obj({ text: str(), model: str(), usage }),
  },
  'llm.summarize': {
    title: 'Summarize',
    description: 'Summarizes text or a list of chat messages into a short summary and key points.',
    connection: { type: 'llm', required: false },
    effect: 'read',
    idempotent: false,
    params: obj({
      text: str({ description: 'Text to summarize (or give `messages`).' }),
      messages: any({ description: 'Chat messages to summarize, e.g. `{{ steps.thread.output.messages }}`.' }),
      maxSentences: int({ minimum: 1, maximum: 50, default: 5 }),
      focus: str({ description: 'What the summary should focus on.' }),
      ...llmCommon,
    }),
    output: obj({ summary: str(), keyPoints: arr(str()), model: str(), usage }),
  },
  'llm.extract': {
    title: 'Extract structured data',
    description:
      'Fills a JSON Schema from text. The model output is validated against the schema; invalid output fails the step.',
    connection: { type: 'llm', required: false },
    effect: 'read',
    idempotent: false,
    params: obj(
      {
        text: str({ description: 'Source text.' }),
        schema: {
          type: 'object',
          description: 'JSON Schema (2020-12) of the extracted object; types `steps.<id>.output.data`.',
        },
        instructions: str({ description: 'Extra guidance for the model.' }),
        ...llmCommon,
      },
      { required: ['text', 'schema'] },
    ),
    output: obj({ data: any({ description: 'The extracted object, typed by `with.schema`.' }), model: str(), usage }),
  },
  'llm.classify': {
    title: 'Classify',
    description: 'Picks the label that fits the text best.',
    connection: { type: 'llm', required: false },
    effect: 'read',
    idempotent: false,
    params: obj(
      { text: str(), labels: arr(str(), { minItems: 2 }), instructions: str(), ...llmCommon },
      { required: ['text', 'labels'] },
    ),
    output: obj({ label: str(), model: str(), usage }),
  },
  'canvas.write': {
    title: 'Write a canvas block',
    description: 'Creates the block on the page, or replaces its content when it exists.',
    effect: 'write',
    idempotent: true,
    params: blockParams('write'),
    output: blockWrite,
  },
  'canvas.append': {
    title: 'Append to a canvas block',
    description: "Appends to the block's content (creating the block when missing).",
    effect: 'write',
    idempotent: false,
    params: blockParams('append'),
    output: blockWrite,
  },
  'canvas.replace': {
    title: 'Replace a canvas block',
    description: 'Replaces the content of an existing block; fails when the block does not exist.',
    effect: 'write',
    idempotent: true,
    params: blockParams('put in place of the old content'),
    output: blockWrite,
  },
  'chat.post': {
    title: 'Post a chat message',
    description: 'Posts a message as the agent in a channel (or a thread).',
    effect: 'write',
    idempotent: false,
    params: obj(
      {
        channel: str({ description: 'Channel name (without #) or id.' }),
        text: str({ description: 'Message text; markdown is rendered.' }),
        threadId: str({ description: 'Reply in this thread.' }),
        payload: any({ description: 'Structured data shown with the message (tables, briefs).' }),
      },
      { required: ['channel', 'text'] },
    ),
    output: obj({ messageId: str(), channel: str(), threadId: nullable(str()) }),
  },
  'chat.thread': {
    title: 'Read a chat thread',
    description: 'Messages of a thread (or the latest messages of a channel), oldest first.',
    effect: 'read',
    idempotent: true,
    params: obj(
      {
        channel: str({ description: 'Channel name (without #) or id.' }),
        threadId: str({ description: "Thread root message id; omit for the channel's latest messages." }),
        limit: int({ minimum: 1, maximum: 500, default: 50 }),
      },
      { required: ['channel'] },
    ),
    output: obj({ messages: arr(chatMessage), count: int() }),
  },
  notify: {
    title: 'Notify',
    description: 'Creates a notification for the workspace members (shown live in the notifications panel).',
    effect: 'write',
    idempotent: false,
    params: obj(
      {
        title: str({ maxLength: 200 }),
        body: str(),
        level: str({ enum: ['info', 'success', 'warning', 'critical'], default: 'info' }),
        link: str({ description: 'Where the notification leads (a page, a message, a URL).' }),
        recipients: arr(str(), { description: 'Emails of the members to notify; default: every member.' }),
      },
      { required: ['title'] },
    ),
    output: obj({ notificationIds: arr(str()), count: int() }),
  },
  'vector.upsert': {
    title: 'Store embeddings',
    description:
      'Embeds documents with the LLM connection and upserts them into a namespace (Pinecone or the built-in store).',
    connection: { type: 'pinecone', required: false },
    effect: 'write',
    idempotent: true,
    params: obj(
      {
        namespace: str({ description: 'Namespace (index partition) to write to.' }),
        documents: arr(
          { anyOf: [str(), obj({ id: str(), text: str(), metadata: record(any()) }, { required: ['text'] })] },
          {
            description:
              'Documents to embed and store: texts, or { id, text, metadata } (the id defaults to a hash of the text).',
          },
        ),
      },
      { required: ['namespace', 'documents'] },
    ),
    output: obj({ upserted: int(), namespace: str() }),
  },
  'vector.query': {
    title: 'Query embeddings',
    description: 'Finds the stored documents most similar to a text.',
    connection: { type: 'pinecone', required: false },
    effect: 'read',
    idempotent: true,
    params: obj(
      {
        namespace: str(),
        text: str({ description: 'Text to search for.' }),
        topK: int({ minimum: 1, maximum: 100, default: 5 }),
      },
      { required: ['namespace', 'text'] },
    ),
    output: obj({ matches: arr(obj({ id: str(), score: num(), text: str(), metadata: record(any()) })), count: int() }),
  },
  'http.request': {
    title: 'HTTP request',
    description: 'Calls a URL. Private, loopback and metadata addresses are blocked.',
    effect: 'write',
    idempotent: false,
    params: obj(
      {
        url: str({ description: 'Absolute http(s) URL.' }),
        method: httpMethod,
        headers: record(str()),
        query: record(str()),
        body: any({ description: 'JSON body (objects are sent as JSON).' }),
        responseType: str({ enum: ['json', 'text'], default: 'json' }),
      },
      { required: ['url'] },
    ),
    output: obj({ status: int(), headers: record(str()), body: any() }),
  },
} as const satisfies Record<string, ActionDefinition>;

export type ActionName = keyof typeof actionCatalog;

export function isActionName(name: string): name is ActionName {
  return Object.prototype.hasOwnProperty.call(actionCatalog, name);
}

export function getAction(name: string): ActionDefinition | undefined {
  return isActionName(name) ? actionCatalog[name] : undefined;
}
