/**
 * The executable Admin API schema: SDL from `schema-sdl.ts` plus resolvers over the seeded store.
 * Resolvers format Shopify's wire types themselves (gids, DateTime without milliseconds, Decimal/Money strings,
 * UnsignedInt64 as strings).
 */
import { GraphQLError, GraphQLObjectType, GraphQLInterfaceType, buildSchema } from 'graphql';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { cursorSortValue, paginate } from './connection';
import type { ConnectionArgs, SortKeyed, SortValue } from './connection';
import { decimalString, gid, moneyBag, moneyString, moneyV2, requireGid } from './format';
import { ADMIN_SCHEMA_SDL } from './schema-sdl';
import { compileSearch, parseSearchQuery } from './search-query';
import type { Comparator, SearchFields, SearchWarning } from './search-query';
import { MAX_ORDER_UPDATE_DELAY_DAYS, lineTaxes } from './store';
import type {
  Address,
  ShopifyStore,
  StoreCustomer,
  StoreLineItem,
  StoreOrder,
  StoreProduct,
  StoreRefund,
  StoreVariant,
} from './store';
import { runShopifyql } from './shopifyql';
import type { BulkOperationRecord, BulkOperations } from './bulk';
import { WebhookRegistry, isLoopbackUrl } from './webhooks';
import type { WebhookSubscriptionRecord } from './webhooks';
import { isoSeconds } from '../shared/dates';

export interface SearchReport {
  path: (string | number)[];
  query: string;
  warnings: SearchWarning[];
}

export interface AdminContext {
  store: ShopifyStore;
  webhooks: WebhookRegistry;
  now: () => Date;
  /** Access scopes of the calling token (`read_reports` gates shopifyqlQuery). */
  scopes: readonly string[];
  /** Filled while resolving; reported in `extensions.search` when a query had warnings. */
  searchReports: SearchReport[];
  /** Bulk operations of the app, and what starting one needs (the URL its file is served on, the finish hook). */
  bulk?: {
    operations: BulkOperations;
    baseUrl: string;
    onFinish: (operation: BulkOperationRecord) => void;
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- resolvers receive GraphQL's untyped parents and args
type Resolver = GraphQLFieldResolver<any, AdminContext, any>;

// ---------------------------------------------------------------------------------------------------------------------
// Search fields per resource (https://shopify.dev/docs/api/admin-graphql/2025-10/queries/orders#arguments-query etc.)

const FINANCIAL_VALUES: Record<string, StoreOrder['financialStatus'][]> = {
  paid: ['PAID'],
  pending: ['PENDING'],
  authorized: ['AUTHORIZED'],
  partially_paid: ['PARTIALLY_PAID'],
  partially_refunded: ['PARTIALLY_REFUNDED'],
  refunded: ['REFUNDED'],
  voided: ['VOIDED'],
  expired: ['EXPIRED'],
  unpaid: ['PENDING', 'AUTHORIZED', 'PARTIALLY_PAID'],
};

const FULFILLMENT_VALUES: Record<string, StoreOrder['fulfillmentStatus'][]> = {
  shipped: ['FULFILLED'],
  fulfilled: ['FULFILLED'],
  partial: ['PARTIALLY_FULFILLED'],
  unshipped: ['UNFULFILLED'],
  unfulfilled: ['UNFULFILLED'],
};

function isClosed(order: StoreOrder): boolean {
  return order.closedAt !== null;
}

function enumField<T>(
  values: Record<string, unknown[]>,
  get: (item: T) => string,
  extra: Record<string, (item: T) => boolean> = {},
) {
  return {
    type: 'custom' as const,
    valid: (value: string) =>
      value.toLowerCase() === 'any' || value.toLowerCase() in values || value.toLowerCase() in extra,
    test: (item: T, value: string, _comparator: Comparator) => {
      const v = value.toLowerCase();
      if (v === 'any') return true;
      if (extra[v]) return extra[v]!(item);
      return (values[v] ?? []).includes(get(item));
    },
  };
}

function orderSearch(store: ShopifyStore): SearchFields<StoreOrder> {
  const customerName = (o: StoreOrder) => {
    const c = o.customerLegacyId !== null ? store.customer(o.customerLegacyId) : undefined;
    return c ? `${c.firstName} ${c.lastName}` : '';
  };
  return {
    fields: {
      created_at: { type: 'date', get: (o) => o.createdAt },
      updated_at: { type: 'date', get: (o) => o.updatedAt },
      processed_at: { type: 'date', get: (o) => o.processedAt },
      financial_status: enumField(FINANCIAL_VALUES, (o) => o.financialStatus),
      fulfillment_status: enumField(FULFILLMENT_VALUES, (o) => o.fulfillmentStatus),
      status: enumField<StoreOrder>({}, () => '', {
        open: (o) => !isClosed(o) && o.cancelledAt === null,
        closed: (o) => isClosed(o),
        cancelled: (o) => o.cancelledAt !== null,
        not_closed: (o) => !isClosed(o),
      }),
      name: { type: 'custom', test: (o, value) => o.name === value || o.name === `#${value.replace(/^#/, '')}` },
      id: { type: 'number', get: (o) => o.legacyId },
      email: { type: 'string', get: (o) => o.email, mode: 'exact' },
      customer_id: { type: 'number', get: (o) => o.customerLegacyId },
      tag: { type: 'string', get: (o) => o.tags, mode: 'exact' },
      sku: { type: 'string', get: (o) => o.lineItems.map((l) => l.sku), mode: 'exact' },
      discount_code: { type: 'string', get: (o) => o.discountCodes, mode: 'exact' },
      current_total_price: { type: 'number', get: (o) => (o.totalCents - o.refundedCents) / 100 },
      total_price: { type: 'number', get: (o) => o.totalCents / 100 },
      source_name: { type: 'string', get: (o) => o.sourceName, mode: 'exact' },
      test: { type: 'boolean', get: (o) => o.test },
      cancelled: { type: 'boolean', get: (o) => o.cancelledAt !== null },
    },
    defaultText: (o) => [o.name, o.email, customerName(o)],
  };
}

function productSearch(store: ShopifyStore): SearchFields<StoreProduct> {
  return {
    fields: {
      title: { type: 'string', get: (p) => p.title },
      product_type: { type: 'string', get: (p) => p.productType, mode: 'exact' },
      vendor: { type: 'string', get: (p) => p.vendor, mode: 'exact' },
      status: { type: 'string', get: (p) => p.status, mode: 'exact' },
      handle: { type: 'string', get: (p) => p.handle, mode: 'exact' },
      tag: { type: 'string', get: (p) => p.tags, mode: 'exact' },
      sku: { type: 'string', get: (p) => p.variants.map((v) => v.sku), mode: 'exact' },
      barcode: { type: 'string', get: (p) => p.variants.map((v) => v.barcode), mode: 'exact' },
      inventory_total: { type: 'number', get: (p) => store.totalInventory(p) },
      price: {
        type: 'custom',
        test: (p, value, comparator) =>
          p.variants.some((v) => compareNumber(v.priceCents / 100, Number(value), comparator)),
        valid: (v) => Number.isFinite(Number(v)),
      },
      created_at: { type: 'date', get: (p) => p.createdAt },
      updated_at: { type: 'date', get: (p) => p.updatedAt },
      published_at: { type: 'date', get: (p) => p.publishedAt },
      id: { type: 'number', get: (p) => p.legacyId },
      gift_card: { type: 'boolean', get: (p) => p.productType === 'Gift Cards' },
    },
    defaultText: (p) => [p.title, p.vendor, p.productType, ...p.tags],
  };
}

function variantSearch(store: ShopifyStore): SearchFields<StoreVariant> {
  return {
    fields: {
      sku: { type: 'string', get: (v) => v.sku, mode: 'exact' },
      title: { type: 'string', get: (v) => v.title },
      barcode: { type: 'string', get: (v) => v.barcode, mode: 'exact' },
      product_id: { type: 'number', get: (v) => v.productLegacyId },
      inventory_quantity: { type: 'number', get: (v) => v.inventoryQuantity },
      price: { type: 'number', get: (v) => v.priceCents / 100 },
      id: { type: 'number', get: (v) => v.legacyId },
      vendor: { type: 'string', get: (v) => store.product(v.productLegacyId)?.vendor ?? '', mode: 'exact' },
      product_type: { type: 'string', get: (v) => store.product(v.productLegacyId)?.productType ?? '', mode: 'exact' },
    },
    defaultText: (v) => [v.sku, v.title, store.product(v.productLegacyId)?.title ?? ''],
  };
}

function customerSearch(store: ShopifyStore): SearchFields<StoreCustomer> {
  return {
    fields: {
      email: { type: 'string', get: (c) => c.email, mode: 'exact' },
      first_name: { type: 'string', get: (c) => c.firstName, mode: 'exact' },
      last_name: { type: 'string', get: (c) => c.lastName, mode: 'exact' },
      phone: { type: 'string', get: (c) => c.phone, mode: 'exact' },
      country: { type: 'string', get: (c) => [c.address.country, c.address.countryCode], mode: 'exact' },
      province: { type: 'string', get: (c) => [c.address.province, c.address.provinceCode], mode: 'exact' },
      city: { type: 'string', get: (c) => c.address.city, mode: 'exact' },
      tag: { type: 'string', get: (c) => c.tags, mode: 'exact' },
      state: {
        type: 'custom',
        test: (_c, value) => value.toLowerCase() === 'enabled',
        valid: (v) => ['enabled', 'disabled', 'invited', 'declined'].includes(v.toLowerCase()),
      },
      accepts_marketing: { type: 'boolean', get: (c) => c.acceptsMarketing },
      orders_count: { type: 'number', get: (c) => store.customerStats(c.legacyId).numberOfOrders },
      number_of_orders: { type: 'number', get: (c) => store.customerStats(c.legacyId).numberOfOrders },
      amount_spent: { type: 'number', get: (c) => store.customerStats(c.legacyId).amountSpentCents / 100 },
      total_spent: { type: 'number', get: (c) => store.customerStats(c.legacyId).amountSpentCents / 100 },
      created_at: { type: 'date', get: (c) => c.createdAt },
      updated_at: { type: 'date', get: (c) => customerUpdatedAt(store, c) },
      id: { type: 'number', get: (c) => c.legacyId },
    },
    defaultText: (c) => [c.firstName, c.lastName, `${c.firstName} ${c.lastName}`, c.email],
  };
}

function compareNumber(x: number, n: number, comparator: Comparator): boolean {
  switch (comparator) {
    case '=':
      return Math.abs(x - n) < 1e-9;
    case '>':
      return x > n;
    case '>=':
      return x >= n;
    case '<':
      return x < n;
    case '<=':
      return x <= n;
  }
}

function customerUpdatedAt(store: ShopifyStore, customer: StoreCustomer): Date {
  const last = store.customerStats(customer.legacyId).lastOrderLegacyId;
  const order = last !== null ? store.order(last) : undefined;
  return order && order.createdAt.getTime() > customer.createdAt.getTime() ? order.createdAt : customer.createdAt;
}

/** Applies `query`, recording warnings for `extensions.search`. */
function search<T>(
  items: () => T[],
  spec: SearchFields<T>,
  query: string | null | undefined,
  context: AdminContext,
  path: (string | number)[],
  bounded?: (from: number, to: number) => T[],
): T[] {
  if (!query || query.trim() === '') return items();
  const compiled = compileSearch(parseSearchQuery(query), spec, context.now());
  if (compiled.warnings.length > 0) context.searchReports.push({ path, query, warnings: compiled.warnings });
  let from = compiled.createdAtBounds[0];
  const to = compiled.createdAtBounds[1];
  if (bounded && Number.isFinite(compiled.updatedAtFrom))
    from = Math.max(from, compiled.updatedAtFrom - MAX_ORDER_UPDATE_DELAY_DAYS * 86_400_000);
  const source = bounded && (Number.isFinite(from) || Number.isFinite(to)) ? bounded(from, to) : items();
  return source.filter(compiled.matches);
}

function pathOf(info: { path: { prev: unknown; key: string | number } }): (string | number)[] {
  const out: (string | number)[] = [];
  let p: { prev: unknown; key: string | number } | undefined = info.path;
  while (p) {
    out.unshift(p.key);
    p = p.prev as typeof p | undefined;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Sort keys

function orderSortValue(store: ShopifyStore, order: StoreOrder, sortKey: string): SortValue {
  switch (sortKey) {
    case 'CREATED_AT':
    case 'PROCESSED_AT':
      return order.createdAt.getTime();
    case 'UPDATED_AT':
      return order.updatedAt.getTime();
    case 'ORDER_NUMBER':
      return order.number;
    case 'TOTAL_PRICE':
      return order.totalCents;
    case 'CURRENT_TOTAL_PRICE':
      return order.totalCents - order.refundedCents;
    case 'FINANCIAL_STATUS':
      return order.financialStatus;
    case 'FULFILLMENT_STATUS':
      return order.fulfillmentStatus;
    case 'TOTAL_ITEMS_QUANTITY':
      return order.lineItems.reduce((s, l) => s + l.quantity, 0);
    case 'DESTINATION':
      return order.shippingAddress ? `${order.shippingAddress.countryCode} ${order.shippingAddress.city}` : '';
    case 'CUSTOMER_NAME': {
      const c = order.customerLegacyId !== null ? store.customer(order.customerLegacyId) : undefined;
      return c ? `${c.lastName} ${c.firstName}`.toLowerCase() : '';
    }
    default:
      return order.legacyId;
  }
}

function productSortValue(store: ShopifyStore, product: StoreProduct, sortKey: string): SortValue {
  switch (sortKey) {
    case 'TITLE':
      return product.title.toLowerCase();
    case 'PRODUCT_TYPE':
      return product.productType.toLowerCase();
    case 'VENDOR':
      return product.vendor.toLowerCase();
    case 'INVENTORY_TOTAL':
      return store.totalInventory(product);
    case 'CREATED_AT':
      return product.createdAt.getTime();
    case 'UPDATED_AT':
      return product.updatedAt.getTime();
    case 'PUBLISHED_AT':
      return product.publishedAt?.getTime() ?? 0;
    default:
      return product.legacyId;
  }
}

function variantSortValue(variant: StoreVariant, sortKey: string): SortValue {
  switch (sortKey) {
    case 'SKU':
      return variant.sku.toLowerCase();
    case 'TITLE':
    case 'NAME':
    case 'FULL_TITLE':
      return variant.title.toLowerCase();
    case 'INVENTORY_QUANTITY':
    case 'INVENTORY_LEVELS_AVAILABLE':
      return variant.inventoryQuantity;
    case 'POSITION':
      return variant.position;
    default:
      return variant.legacyId;
  }
}

function customerSortValue(store: ShopifyStore, customer: StoreCustomer, sortKey: string): SortValue {
  switch (sortKey) {
    case 'CREATED_AT':
      return customer.createdAt.getTime();
    case 'UPDATED_AT':
      return customerUpdatedAt(store, customer).getTime();
    case 'NAME':
      return `${customer.lastName} ${customer.firstName}`.toLowerCase();
    case 'LOCATION':
      return `${customer.address.countryCode} ${customer.address.province} ${customer.address.city}`.toLowerCase();
    default:
      return customer.legacyId;
  }
}

function keyed<T>(items: T[], id: (item: T) => number, value: (item: T) => SortValue): SortKeyed<T>[] {
  return items.map((node) => ({ node, id: id(node), value: value(node) }));
}

type ConnectionQueryArgs = ConnectionArgs & { sortKey?: string; query?: string | null };

// ---------------------------------------------------------------------------------------------------------------------
// Resolvers

function addressNode(address: Address | null, id: number) {
  return address ? { ...address, addressId: id } : null;
}

/** Shopify's Count: capped at `limit` (default 10000, null for no cap) with precision AT_LEAST when capped. */
function countOf(n: number, limit: number | null | undefined) {
  const cap = limit === null ? Number.POSITIVE_INFINITY : (limit ?? 10000);
  return n > cap ? { count: cap, precision: 'AT_LEAST' } : { count: n, precision: 'EXACT' };
}

function webhookNode(record: WebhookSubscriptionRecord) {
  return record;
}

/** A refund with the order it belongs to (RefundLineItem.lineItem needs the order's lines). */
interface RefundNode extends StoreRefund {
  refundOf: StoreOrder;
}

function requireScope(ctx: AdminContext, field: string, scope: string): void {
  if (ctx.scopes.includes(scope)) return;
  throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
    extensions: {
      code: 'ACCESS_DENIED',
      documentation: 'https://shopify.dev/api/usage/access-scopes',
      requiredAccess: `\`${scope}\` access scope.`,
    },
  });
}

const resolvers: Record<string, Record<string, Resolver>> = {
  QueryRoot: {
    shop: (_p, _a, ctx) => ctx.store.shop,
    currentAppInstallation: (_p, _a, ctx) => ({
      id: gid('AppInstallation', ctx.store.shop.legacyId + 17),
      accessScopes: ctx.scopes.map((handle) => ({ handle, description: handle.replace(/_/g, ' ') })),
    }),
    shopifyqlQuery: (_p, args: { query: string }, ctx) => {
      requireScope(ctx, 'shopifyqlQuery', 'read_reports');
      return runShopifyql(ctx.store, args.query);
    },
    currentBulkOperation: (_p, args: { type?: string | null }, ctx) =>
      (args.type ?? 'QUERY') === 'QUERY' ? (ctx.bulk?.operations.current() ?? null) : null,
    node: (_p, args: { id: string }, ctx) => resolveNode(ctx, args.id),
    nodes: (_p, args: { ids: string[] }, ctx) => {
      if (args.ids.length > 250)
        throw new GraphQLError('The maximum number of ids is 250.', { extensions: { code: 'BAD_REQUEST' } });
      return args.ids.map((id) => resolveNode(ctx, id));
    },
    order: (_p, args: { id: string }, ctx) => {
      const { legacyId } = requireGid(args.id, 'Order');
      return ctx.store.order(legacyId) ?? null;
    },
    orders: (_p, args: ConnectionQueryArgs, ctx, info) => {
      const store = ctx.store;
      // Walking CREATED_AT ascending, the page after a cursor holds no order created before the cursor's: only the
      // days from there on are read (what keeps paging a 200 000-order store linear).
      const after = args.sortKey === 'CREATED_AT' && !args.reverse ? cursorSortValue(args.after) : null;
      const since = typeof after === 'number' ? after : Number.NEGATIVE_INFINITY;
      const matched = search(
        () => (Number.isFinite(since) ? store.ordersCreatedBetween(since, Number.POSITIVE_INFINITY) : store.orders()),
        orderSearch(store),
        args.query,
        ctx,
        pathOf(info),
        (from, to) => store.ordersCreatedBetween(Math.max(from, since), to),
      );
      return paginate(
        keyed(
          matched,
          (o) => o.legacyId,
          (o) => orderSortValue(store, o, args.sortKey ?? 'ID'),
        ),
        args,
      );
    },
    ordersCount: (_p, args: { query?: string | null; limit?: number | null }, ctx, info) => {
      const store = ctx.store;
      const matched = search(
        () => store.orders(),
        orderSearch(store),
        args.query,
        ctx,
        pathOf(info),
        (from, to) => store.ordersCreatedBetween(from, to),
      );
      return countOf(matched.length, args.limit);
    },
    product: (_p, args: { id: string }, ctx) => ctx.store.product(requireGid(args.id, 'Product').legacyId) ?? null,
    productByHandle: (_p, args: { handle: string }, ctx) =>
      ctx.store.products.find((p) => p.handle === args.handle) ?? null,
    products: (_p, args: ConnectionQueryArgs, ctx, info) => {
      const store = ctx.store;
      const matched = search(() => store.products, productSearch(store), args.query, ctx, pathOf(info));
      return paginate(
        keyed(
          matched,
          (p) => p.legacyId,
          (p) => productSortValue(store, p, args.sortKey ?? 'ID'),
        ),
        args,
      );
    },
    productsCount: (_p, args: { query?: string | null; limit?: number | null }, ctx, info) =>
      countOf(
        search(() => ctx.store.products, productSearch(ctx.store), args.query, ctx, pathOf(info)).length,
        args.limit,
      ),
    productVariant: (_p, args: { id: string }, ctx) =>
      ctx.store.variant(requireGid(args.id, 'ProductVariant').legacyId) ?? null,
    productVariants: (_p, args: ConnectionQueryArgs, ctx, info) => {
      const store = ctx.store;
      const matched = search(() => store.allVariants(), variantSearch(store), args.query, ctx, pathOf(info));
      return paginate(
        keyed(
          matched,
          (v) => v.legacyId,
          (v) => variantSortValue(v, args.sortKey ?? 'ID'),
        ),
        args,
      );
    },
    customer: (_p, args: { id: string }, ctx) => ctx.store.customer(requireGid(args.id, 'Customer').legacyId) ?? null,
    customers: (_p, args: ConnectionQueryArgs, ctx, info) => {
      const store = ctx.store;
      const matched = search(() => store.customers(), customerSearch(store), args.query, ctx, pathOf(info));
      return paginate(
        keyed(
          matched,
          (c) => c.legacyId,
          (c) => customerSortValue(store, c, args.sortKey ?? 'ID'),
        ),
        args,
      );
    },
    customersCount: (_p, args: { query?: string | null; limit?: number | null }, ctx, info) =>
      countOf(
        search(() => ctx.store.customers(), customerSearch(ctx.store), args.query, ctx, pathOf(info)).length,
        args.limit,
      ),
    webhookSubscription: (_p, args: { id: string }, ctx) =>
      ctx.webhooks.get(requireGid(args.id, 'WebhookSubscription').legacyId) ?? null,
    webhookSubscriptions: (_p, args: ConnectionArgs & { topics?: string[] | null; uri?: string | null }, ctx) => {
      const list = ctx.webhooks
        .list()
        .filter((s) => (!args.topics || args.topics.includes(s.topic)) && (!args.uri || s.uri === args.uri));
      return paginate(
        keyed(
          list.map(webhookNode),
          (s) => s.legacyId,
          (s) => s.legacyId,
        ),
        args,
      );
    },
  },
  BulkOperation: {
    id: (o: BulkOperationRecord) => gid('BulkOperation', o.legacyId),
    createdAt: (o: BulkOperationRecord) => isoSeconds(o.createdAt),
    completedAt: (o: BulkOperationRecord) => (o.completedAt ? isoSeconds(o.completedAt) : null),
    objectCount: (o: BulkOperationRecord) => String(o.objectCount),
    rootObjectCount: (o: BulkOperationRecord) => String(o.rootObjectCount),
    fileSize: (o: BulkOperationRecord) => (o.fileSize === null ? null : String(o.fileSize)),
  },
  Mutation: {
    bulkOperationRunQuery: (_p, args: { query: string }, ctx, info) => {
      if (!ctx.bulk)
        return {
          bulkOperation: null,
          userErrors: [{ field: null, message: 'Bulk operations are not available here.', code: 'INVALID' }],
        };
      // The bulk query runs with the caller's scopes, in a context of its own.
      const contextValue: AdminContext = { ...ctx, searchReports: [] };
      return ctx.bulk.operations.start({
        schema: info.schema,
        query: args.query,
        baseUrl: ctx.bulk.baseUrl,
        contextValue,
        onFinish: ctx.bulk.onFinish,
      });
    },
    webhookSubscriptionCreate: (
      _p,
      args: {
        topic: string;
        webhookSubscription: {
          uri?: string | null;
          callbackUrl?: string | null;
          format?: string | null;
          includeFields?: string[] | null;
          filter?: string | null;
        };
      },
      ctx,
    ) => {
      const input = args.webhookSubscription;
      const uri = input.uri ?? input.callbackUrl ?? null;
      if (!uri)
        return {
          webhookSubscription: null,
          userErrors: [{ field: ['webhookSubscription', 'uri'], message: "Address can't be blank" }],
        };
      if (!isLoopbackUrl(uri) && !/^https?:\/\//.test(uri)) {
        return {
          webhookSubscription: null,
          userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address is invalid' }],
        };
      }
      const result = ctx.webhooks.create({
        topic: args.topic,
        uri,
        format: (input.format ?? 'JSON') as 'JSON' | 'XML',
        includeFields: input.includeFields ?? [],
        filter: input.filter ?? null,
        now: ctx.now(),
      });
      return { webhookSubscription: result.subscription, userErrors: result.userErrors };
    },
    webhookSubscriptionDelete: (_p, args: { id: string }, ctx) => {
      const { legacyId } = requireGid(args.id, 'WebhookSubscription');
      if (legacyId < 0 || !ctx.webhooks.delete(legacyId)) {
        return {
          deletedWebhookSubscriptionId: null,
          userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }],
        };
      }
      return { deletedWebhookSubscriptionId: args.id, userErrors: [] };
    },
  },
  Shop: {
    id: (s: ShopifyStore['shop']) => gid('Shop', s.legacyId),
    contactEmail: (s: ShopifyStore['shop']) => s.email,
    primaryDomain: (s: ShopifyStore['shop']) => ({ host: s.myshopifyDomain, url: s.primaryDomainUrl }),
    url: (s: ShopifyStore['shop']) => s.primaryDomainUrl,
    enabledPresentmentCurrencies: (s: ShopifyStore['shop']) => [s.currencyCode],
  },
  MailingAddress: {
    id: (a: Address & { addressId: number }) =>
      `gid://shopify/MailingAddress/${a.addressId}?model_name=CustomerAddress`,
    countryCodeV2: (a: Address) => a.countryCode,
    name: (a: Address) => `${a.firstName} ${a.lastName}`,
    formattedArea: (a: Address) => `${a.city} ${a.provinceCode}, ${a.country}`,
  },
  Customer: {
    id: (c: StoreCustomer) => gid('Customer', c.legacyId),
    legacyResourceId: (c: StoreCustomer) => String(c.legacyId),
    displayName: (c: StoreCustomer) => `${c.firstName} ${c.lastName}`,
    defaultEmailAddress: (c: StoreCustomer) => ({
      emailAddress: c.email,
      marketingState: c.acceptsMarketing ? 'SUBSCRIBED' : 'NOT_SUBSCRIBED',
    }),
    numberOfOrders: (c: StoreCustomer, _a, ctx) => String(ctx.store.customerStats(c.legacyId).numberOfOrders),
    amountSpent: (c: StoreCustomer, _a, ctx) => moneyV2(ctx.store.customerStats(c.legacyId).amountSpentCents),
    createdAt: (c: StoreCustomer) => isoSeconds(c.createdAt),
    updatedAt: (c: StoreCustomer, _a, ctx) => isoSeconds(customerUpdatedAt(ctx.store, c)),
    state: () => 'ENABLED',
    verifiedEmail: () => true,
    note: () => null,
    defaultAddress: (c: StoreCustomer) => addressNode(c.address, c.legacyId + 1),
    lastOrder: (c: StoreCustomer, _a, ctx) => {
      const last = ctx.store.customerStats(c.legacyId).lastOrderLegacyId;
      return last !== null ? (ctx.store.order(last) ?? null) : null;
    },
    orders: (c: StoreCustomer, args: ConnectionQueryArgs, ctx, info) => {
      const store = ctx.store;
      const own = () =>
        store
          .customerStats(c.legacyId)
          .orderLegacyIds.map((id) => store.order(id))
          .filter((o): o is StoreOrder => o !== undefined);
      const matched = search(own, orderSearch(store), args.query, ctx, pathOf(info));
      return paginate(
        keyed(
          matched,
          (o) => o.legacyId,
          (o) => orderSortValue(store, o, args.sortKey ?? 'ID'),
        ),
        args,
      );
    },
  },
  Product: {
    id: (p: StoreProduct) => gid('Product', p.legacyId),
    legacyResourceId: (p: StoreProduct) => String(p.legacyId),
    description: (p: StoreProduct, args: { truncateAt?: number | null }) => {
      const text = p.descriptionHtml.replace(/<[^>]+>/g, '');
      return args.truncateAt && text.length > args.truncateAt
        ? `${text.slice(0, Math.max(0, args.truncateAt - 3))}...`
        : text;
    },
    totalInventory: (p: StoreProduct, _a, ctx) => ctx.store.totalInventory(p),
    tracksInventory: (p: StoreProduct) => p.productType !== 'Gift Cards',
    hasOnlyDefaultVariant: (p: StoreProduct) => p.variants.length === 1,
    createdAt: (p: StoreProduct) => isoSeconds(p.createdAt),
    updatedAt: (p: StoreProduct) => isoSeconds(p.updatedAt),
    publishedAt: (p: StoreProduct) => (p.publishedAt ? isoSeconds(p.publishedAt) : null),
    onlineStoreUrl: (p: StoreProduct, _a, ctx) =>
      p.status === 'ACTIVE' ? `${ctx.store.shop.primaryDomainUrl}/products/${p.handle}` : null,
    options: (p: StoreProduct, args: { first?: number | null }) =>
      [
        {
          id: gid('Product', p.legacyId).replace('Product', 'ProductOption'),
          name: p.variants[0]!.optionName,
          position: 1,
          values: p.variants.map((v) => v.optionValue),
        },
      ].slice(0, args.first ?? 1),
    priceRangeV2: (p: StoreProduct) => {
      const prices = p.variants.map((v) => v.priceCents);
      return { minVariantPrice: moneyV2(Math.min(...prices)), maxVariantPrice: moneyV2(Math.max(...prices)) };
    },
    variants: (p: StoreProduct, args: ConnectionQueryArgs) =>
      paginate(
        keyed(
          p.variants,
          (v) => v.legacyId,
          (v) => variantSortValue(v, args.sortKey ?? 'POSITION'),
        ),
        args,
      ),
    variantsCount: (p: StoreProduct) => ({ count: p.variants.length, precision: 'EXACT' }),
  },
  ProductVariant: {
    id: (v: StoreVariant) => gid('ProductVariant', v.legacyId),
    legacyResourceId: (v: StoreVariant) => String(v.legacyId),
    displayName: (v: StoreVariant, _a, ctx) => `${ctx.store.product(v.productLegacyId)?.title ?? ''} - ${v.title}`,
    price: (v: StoreVariant) => moneyString(v.priceCents),
    compareAtPrice: (v: StoreVariant) => (v.compareAtPriceCents === null ? null : moneyString(v.compareAtPriceCents)),
    availableForSale: (v: StoreVariant, _a, ctx) =>
      ctx.store.product(v.productLegacyId)?.status === 'ACTIVE' && (v.inventoryQuantity > 0 || !v.requiresShipping),
    selectedOptions: (v: StoreVariant) => [{ name: v.optionName, value: v.optionValue }],
    product: (v: StoreVariant, _a, ctx) => ctx.store.product(v.productLegacyId),
    createdAt: (v: StoreVariant, _a, ctx) => isoSeconds(ctx.store.product(v.productLegacyId)!.createdAt),
    updatedAt: (v: StoreVariant, _a, ctx) => isoSeconds(ctx.store.product(v.productLegacyId)!.updatedAt),
  },
  LineItem: {
    id: (l: StoreLineItem) => gid('LineItem', l.legacyId),
    name: (l: StoreLineItem) => `${l.title} - ${l.variantTitle}`,
    currentQuantity: (l: StoreLineItem) => l.quantity,
    unfulfilledQuantity: (l: StoreLineItem) => l.quantity - l.fulfilledQuantity,
    originalUnitPriceSet: (l: StoreLineItem) => moneyBag(l.unitPriceCents),
    discountedUnitPriceSet: (l: StoreLineItem) => moneyBag(l.unitPriceCents - Math.floor(l.discountCents / l.quantity)),
    originalTotalSet: (l: StoreLineItem) => moneyBag(l.unitPriceCents * l.quantity),
    discountedTotalSet: (l: StoreLineItem) => moneyBag(l.unitPriceCents * l.quantity - l.discountCents),
    totalDiscountSet: (l: StoreLineItem) => moneyBag(l.discountCents),
    isGiftCard: (l: StoreLineItem, _a, ctx) => ctx.store.product(l.productLegacyId)?.productType === 'Gift Cards',
    // The order's tax spread over its taxable lines as the sales table spreads it (`lineTaxes`), one tax per line.
    taxLines: (l: StoreLineItem, args: { first?: number | null }, ctx) => {
      const owner = ctx.store.orderOfLineItem(l.legacyId);
      const cents = owner ? lineTaxes(owner.order)[owner.index]! : 0;
      if (!owner || cents === 0 || (args.first ?? 1) < 1) return [];
      const country = owner.order.shippingAddress?.countryCode ?? owner.order.billingAddress?.countryCode;
      return [
        {
          title: country === 'GB' ? 'VAT' : country === 'CA' ? 'HST' : 'State Tax',
          rate: owner.order.taxRate,
          ratePercentage: Math.round(owner.order.taxRate * 10_000) / 100,
          priceSet: moneyBag(cents),
          channelLiable: false,
        },
      ];
    },
    variant: (l: StoreLineItem, _a, ctx) => ctx.store.variant(l.variantLegacyId) ?? null,
    product: (l: StoreLineItem, _a, ctx) => ctx.store.product(l.productLegacyId) ?? null,
  },
  Order: {
    id: (o: StoreOrder) => gid('Order', o.legacyId),
    legacyResourceId: (o: StoreOrder) => String(o.legacyId),
    createdAt: (o: StoreOrder) => isoSeconds(o.createdAt),
    processedAt: (o: StoreOrder) => isoSeconds(o.processedAt),
    updatedAt: (o: StoreOrder) => isoSeconds(o.updatedAt),
    cancelledAt: (o: StoreOrder) => (o.cancelledAt ? isoSeconds(o.cancelledAt) : null),
    closed: (o: StoreOrder) => o.closedAt !== null,
    closedAt: (o: StoreOrder) => (o.closedAt ? isoSeconds(o.closedAt) : null),
    confirmed: () => true,
    displayFinancialStatus: (o: StoreOrder) => o.financialStatus,
    displayFulfillmentStatus: (o: StoreOrder) => o.fulfillmentStatus,
    fullyPaid: (o: StoreOrder) =>
      o.financialStatus === 'PAID' || o.financialStatus === 'PARTIALLY_REFUNDED' || o.financialStatus === 'REFUNDED',
    currencyCode: () => 'USD',
    presentmentCurrencyCode: () => 'USD',
    discountCode: (o: StoreOrder) => o.discountCodes[0] ?? null,
    subtotalLineItemsQuantity: (o: StoreOrder) => o.lineItems.reduce((s, l) => s + l.quantity, 0),
    totalWeight: (o: StoreOrder) => String(o.lineItems.reduce((s, l) => s + l.grams * l.quantity, 0)),
    totalPriceSet: (o: StoreOrder) => moneyBag(o.totalCents),
    subtotalPriceSet: (o: StoreOrder) => moneyBag(o.subtotalCents),
    totalTaxSet: (o: StoreOrder) => moneyBag(o.taxCents),
    totalDiscountsSet: (o: StoreOrder) => moneyBag(o.discountCents),
    totalShippingPriceSet: (o: StoreOrder) => moneyBag(o.shippingCents),
    totalRefundedSet: (o: StoreOrder) => moneyBag(o.refundedCents),
    totalReceivedSet: (o: StoreOrder) =>
      moneyBag(
        o.financialStatus === 'PENDING' || o.financialStatus === 'AUTHORIZED' || o.financialStatus === 'VOIDED'
          ? 0
          : o.totalCents,
      ),
    netPaymentSet: (o: StoreOrder) =>
      moneyBag(
        o.financialStatus === 'PENDING' || o.financialStatus === 'AUTHORIZED' || o.financialStatus === 'VOIDED'
          ? 0
          : o.totalCents - o.refundedCents,
      ),
    totalOutstandingSet: (o: StoreOrder) =>
      moneyBag(o.financialStatus === 'PENDING' || o.financialStatus === 'AUTHORIZED' ? o.totalCents : 0),
    currentTotalPriceSet: (o: StoreOrder) => moneyBag(o.totalCents - o.refundedCents),
    currentSubtotalPriceSet: (o: StoreOrder) => moneyBag(o.financialStatus === 'REFUNDED' ? 0 : o.subtotalCents),
    currentTotalTaxSet: (o: StoreOrder) => moneyBag(o.financialStatus === 'REFUNDED' ? 0 : o.taxCents),
    currentTotalDiscountsSet: (o: StoreOrder) => moneyBag(o.discountCents),
    customer: (o: StoreOrder, _a, ctx) =>
      o.customerLegacyId !== null ? (ctx.store.customer(o.customerLegacyId) ?? null) : null,
    shippingAddress: (o: StoreOrder) => addressNode(o.shippingAddress, o.legacyId + 3),
    billingAddress: (o: StoreOrder) => addressNode(o.billingAddress, o.legacyId + 4),
    shippingLine: (o: StoreOrder) =>
      o.shippingAddress
        ? {
            title: o.shippingTitle,
            originalPriceSet: moneyBag(o.shippingCents),
            discountedPriceSet: moneyBag(o.shippingCents),
          }
        : null,
    lineItems: (o: StoreOrder, args: ConnectionArgs) =>
      paginate(
        keyed(
          o.lineItems,
          (l) => l.legacyId,
          (l) => l.legacyId,
        ),
        args,
      ),
    refunds: (o: StoreOrder, args: { first?: number | null }): RefundNode[] =>
      o.refund && (args.first ?? 1) > 0 ? [{ ...o.refund, refundOf: o }] : [],
  },
  Refund: {
    id: (r: RefundNode) => gid('Refund', r.refundOf.legacyId + 1),
    legacyResourceId: (r: RefundNode) => String(r.refundOf.legacyId + 1),
    createdAt: (r: RefundNode) => isoSeconds(r.createdAt),
    updatedAt: (r: RefundNode) => isoSeconds(r.createdAt),
    note: (r: RefundNode) => (r.refundOf.cancelledAt ? 'Order canceled' : null),
    totalRefundedSet: (r: RefundNode) =>
      moneyBag(r.lines.reduce((s, l) => s + l.subtotalCents + l.taxCents, 0) + r.shippingCents),
    refundLineItems: (r: RefundNode, args: ConnectionArgs) =>
      paginate(
        keyed(
          r.lines.map((l) => ({ ...l, lineItem: r.refundOf.lineItems[l.lineIndex]! })),
          (l) => l.lineItem.legacyId,
          (l) => l.lineItem.legacyId,
        ),
        args,
      ),
    refundShippingLines: (r: RefundNode, args: ConnectionArgs) =>
      paginate(
        keyed(
          r.shippingCents > 0 ? [{ legacyId: r.refundOf.legacyId + 2, cents: r.shippingCents }] : [],
          (l) => l.legacyId,
          (l) => l.legacyId,
        ),
        args,
      ),
  },
  RefundLineItem: {
    id: (l: { lineItem: StoreLineItem }) => gid('RefundLineItem', l.lineItem.legacyId + 5),
    restocked: () => false,
    priceSet: (l: { lineItem: StoreLineItem }) => moneyBag(l.lineItem.unitPriceCents),
    subtotalSet: (l: { subtotalCents: number }) => moneyBag(l.subtotalCents),
    totalTaxSet: (l: { taxCents: number }) => moneyBag(l.taxCents),
  },
  RefundShippingLine: {
    id: (l: { legacyId: number }) => gid('RefundShippingLine', l.legacyId),
    subtotalAmountSet: (l: { cents: number }) => moneyBag(l.cents),
    taxAmountSet: () => moneyBag(0),
  },
  WebhookSubscription: {
    id: (s: WebhookSubscriptionRecord) => gid('WebhookSubscription', s.legacyId),
    legacyResourceId: (s: WebhookSubscriptionRecord) => String(s.legacyId),
    callbackUrl: (s: WebhookSubscriptionRecord) => s.uri,
    createdAt: (s: WebhookSubscriptionRecord) => isoSeconds(s.createdAt),
    updatedAt: (s: WebhookSubscriptionRecord) => isoSeconds(s.updatedAt),
  },
  MoneyV2: {
    amount: (m: { amount: string | number }) => (typeof m.amount === 'number' ? decimalString(m.amount) : m.amount),
  },
};

function resolveNode(ctx: AdminContext, id: string): unknown {
  const { resource, legacyId } = requireGid(id);
  switch (resource) {
    case 'Order':
      return ctx.store.order(legacyId) ?? null;
    case 'Product':
      return ctx.store.product(legacyId) ?? null;
    case 'ProductVariant':
      return ctx.store.variant(legacyId) ?? null;
    case 'Customer':
      return ctx.store.customer(legacyId) ?? null;
    case 'WebhookSubscription':
      return ctx.webhooks.get(legacyId) ?? null;
    case 'BulkOperation':
      return ctx.bulk?.operations.get(legacyId) ?? null;
    case 'Shop':
      return legacyId === ctx.store.shop.legacyId ? ctx.store.shop : null;
    default:
      return null;
  }
}

/** Names the GraphQL type of a store object (they carry no __typename of their own). */
function typeNameOf(value: Record<string, unknown>): string | undefined {
  if ('rootObjectCount' in value) return 'BulkOperation';
  if ('myshopifyDomain' in value) return 'Shop';
  if ('lineItems' in value && 'number' in value) return 'Order';
  if ('variants' in value && 'handle' in value) return 'Product';
  if ('unitPriceCents' in value) return 'LineItem';
  if ('productLegacyId' in value && 'sku' in value) return 'ProductVariant';
  if ('acceptsMarketing' in value) return 'Customer';
  if ('topic' in value && 'uri' in value) return 'WebhookSubscription';
  if ('refundOf' in value) return 'Refund';
  if ('accessScopes' in value) return 'AppInstallation';
  if ('addressId' in value) return 'MailingAddress';
  return undefined;
}

/** Builds the schema once per process; it holds no state (the store lives in the context). */
export function buildAdminSchema(): GraphQLSchema {
  const schema = buildSchema(ADMIN_SCHEMA_SDL);
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`Resolver for unknown type ${typeName}`);
    const defined = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = defined[fieldName];
      if (!field) throw new Error(`Resolver for unknown field ${typeName}.${fieldName}`);
      field.resolve = resolve;
    }
  }
  const node = schema.getType('Node');
  if (node instanceof GraphQLInterfaceType) node.resolveType = (value) => typeNameOf(value as Record<string, unknown>);
  return schema;
}
