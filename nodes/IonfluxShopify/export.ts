/**
 * Exports of a period's orders, line items, customers or products, record by record:
 *
 * - `bulk` above a threshold: `bulkOperationRunQuery` (Shopify runs the query in the background, without query cost
 *   limits), `node(id:)` polled until the operation ends, then the JSONL file streamed line by line: memory stays
 *   flat whatever the size of the export (https://shopify.dev/docs/api/usage/bulk-operations/queries);
 * - `paging` below it: the same fields through the paginated Admin API with the cost-aware throttling.
 *
 * Both give the same records in the same order (orders by creation, customers and products by id).
 */
import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { cents, pageSizeFor } from './normalize';
import type { MoneyBag } from './normalize';
import type { ResolvedPeriod } from './periods';
import type { ShopifyGraphql } from './transport';

export type ExportResource = 'orders' | 'lineItems' | 'customers' | 'products';
export const EXPORT_RESOURCES: ExportResource[] = ['orders', 'lineItems', 'customers', 'products'];
export type ExportSource = 'bulk' | 'paging';

export interface ExportRecord {
  [key: string]: string | number | null;
}

const ORDER_FIELDS = `id name createdAt cancelledAt displayFinancialStatus sourceName
  totalPriceSet { shopMoney { amount } } totalRefundedSet { shopMoney { amount } } customer { id }`;
const LINE_FIELDS = `id title sku quantity originalUnitPriceSet { shopMoney { amount } }
  originalTotalSet { shopMoney { amount } } product { id } variant { id }`;
const CUSTOMER_FIELDS = `id firstName lastName defaultEmailAddress { emailAddress } numberOfOrders
  amountSpent { amount } createdAt`;
const PRODUCT_FIELDS = 'id title handle productType vendor status totalInventory createdAt';

interface ResourceSpec {
  /** The root connection and its count query. */
  connection: 'orders' | 'customers' | 'products';
  count: 'ordersCount' | 'customersCount' | 'productsCount';
  fields: string;
  /** Line items nest under their order. */
  nested?: string;
  /** Cost of one root object on the paging path: 1, + 1 per object field, + 2 + page x node for a connection. */
  nodeCost: number;
  sortKey?: string;
}

/** Line items of an order fetched per page on the paging path (an order with more gets its lines completed). */
const LINES_PER_ORDER = 20;

const RESOURCES: Record<ExportResource, ResourceSpec> = {
  orders: {
    connection: 'orders',
    count: 'ordersCount',
    fields: ORDER_FIELDS,
    nodeCost: 1 + 2 * 2 + 1,
    sortKey: 'CREATED_AT',
  },
  lineItems: {
    connection: 'orders',
    count: 'ordersCount',
    fields: 'id name createdAt',
    nested: LINE_FIELDS,
    nodeCost: 1 + (2 + LINES_PER_ORDER * (1 + 2 * 2 + 2)),
    sortKey: 'CREATED_AT',
  },
  customers: { connection: 'customers', count: 'customersCount', fields: CUSTOMER_FIELDS, nodeCost: 1 + 2 },
  products: { connection: 'products', count: 'productsCount', fields: PRODUCT_FIELDS, nodeCost: 1 },
};

const utcSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Search terms of the period: created in [from, to). */
export function exportSearch(range: Pick<ResolvedPeriod, 'from' | 'to'>): string {
  return `created_at:>='${utcSeconds(Math.floor(range.from.getTime() / 1000) * 1000)}' created_at:<'${utcSeconds(Math.ceil(range.to.getTime() / 1000) * 1000)}'`;
}

/** The bulk query of an export (connections without `first`, as bulk queries take them). */
export function exportBulkQuery(resource: ExportResource, search: string): string {
  const spec = RESOURCES[resource];
  const nested = spec.nested ? ` lineItems { edges { node { ${spec.nested} } } }` : '';
  return `{ ${spec.connection}(query: ${JSON.stringify(search)}) { edges { node { ${spec.fields}${nested} } } } }`;
}

function pagingQuery(resource: ExportResource): string {
  const spec = RESOURCES[resource];
  const nested = spec.nested
    ? ` lineItems(first: ${LINES_PER_ORDER}) { nodes { ${spec.nested} } pageInfo { hasNextPage endCursor } }`
    : '';
  return `query IonfluxExport($first: Int!, $after: String, $query: String) {
  ${spec.connection}(first: $first, after: $after, query: $query${spec.sortKey ? `, sortKey: ${spec.sortKey}` : ''}) {
    nodes { ${spec.fields}${nested} }
    pageInfo { hasNextPage endCursor }
  }
}`;
}

const MORE_LINES_QUERY = `query IonfluxExportOrderLines($id: ID!, $after: String) {
  order(id: $id) { lineItems(first: 100, after: $after) { nodes { ${LINE_FIELDS} } pageInfo { hasNextPage endCursor } } }
}`;

// ---------------------------------------------------------------------------------------------------------------------
// Records

const amount = (bag: MoneyBag | null | undefined) => cents(bag) / 100;
type Raw = Record<string, unknown>;
const idOf = (value: unknown) => ((value as { id?: string } | null)?.id ?? null) as string | null;

function orderRecord(o: Raw): ExportRecord {
  return {
    id: o.id as string,
    name: o.name as string,
    createdAt: o.createdAt as string,
    cancelledAt: (o.cancelledAt as string | null) ?? null,
    financialStatus: (o.displayFinancialStatus as string | null) ?? null,
    sourceName: (o.sourceName as string | null) ?? null,
    totalPrice: amount(o.totalPriceSet as MoneyBag),
    refunded: amount(o.totalRefundedSet as MoneyBag),
    customerId: idOf(o.customer),
  };
}

function lineRecord(l: Raw, order: { id: string; name: string | null; createdAt: string | null }): ExportRecord {
  return {
    id: l.id as string,
    orderId: order.id,
    orderName: order.name,
    orderCreatedAt: order.createdAt,
    title: l.title as string,
    sku: (l.sku as string | null) ?? null,
    quantity: l.quantity as number,
    unitPrice: amount(l.originalUnitPriceSet as MoneyBag),
    total: amount(l.originalTotalSet as MoneyBag),
    productId: idOf(l.product),
    variantId: idOf(l.variant),
  };
}

function customerRecord(c: Raw): ExportRecord {
  return {
    id: c.id as string,
    firstName: (c.firstName as string | null) ?? null,
    lastName: (c.lastName as string | null) ?? null,
    email: ((c.defaultEmailAddress as { emailAddress?: string } | null)?.emailAddress ?? null) as string | null,
    numberOfOrders: Number(c.numberOfOrders),
    amountSpent: Math.round(Number((c.amountSpent as { amount: string }).amount) * 100) / 100,
    createdAt: c.createdAt as string,
  };
}

function productRecord(p: Raw): ExportRecord {
  return {
    id: p.id as string,
    title: p.title as string,
    handle: p.handle as string,
    productType: (p.productType as string | null) ?? null,
    vendor: (p.vendor as string | null) ?? null,
    status: p.status as string,
    totalInventory: p.totalInventory as number,
    createdAt: p.createdAt as string,
  };
}

/** What an export adds up: the money (orders' totalPrice, lines' total, customers' amountSpent) and the quantity. */
export interface ExportTotals {
  count: number;
  /** In cents. */
  amountCents: number;
  quantity: number;
}

function addToTotals(totals: ExportTotals, resource: ExportResource, record: ExportRecord): void {
  totals.count++;
  if (resource === 'orders') totals.amountCents += Math.round(Number(record.totalPrice) * 100);
  if (resource === 'lineItems') {
    totals.amountCents += Math.round(Number(record.total) * 100);
    totals.quantity += Number(record.quantity);
  }
  if (resource === 'customers') totals.amountCents += Math.round(Number(record.amountSpent) * 100);
  if (resource === 'products') totals.quantity += Number(record.totalInventory);
}

// ---------------------------------------------------------------------------------------------------------------------
// Export

export interface ExportResult {
  source: ExportSource;
  totals: ExportTotals;
  /** Objects matching the period when the export started (orders for line items). */
  matched: number;
  bulkOperation: { id: string; fileSize: number | null; objectCount: number } | null;
  calls: number;
  costPoints: number;
}

export interface ExportOptions {
  shopify: ShopifyGraphql;
  node: INode;
  itemIndex: number;
  resource: ExportResource;
  range: Pick<ResolvedPeriod, 'from' | 'to'>;
  /** Above this many matching objects the export runs as a bulk operation. */
  bulkThreshold: number;
  /** Called with every record, in order. */
  onRecord: (record: ExportRecord) => void;
  /** Polling interval bounds (ms) while the bulk operation runs. */
  pollMs?: { first: number; max: number };
}

/** Streams an export's records to `onRecord`; returns what it added up and how. */
export async function exportRecords(options: ExportOptions): Promise<ExportResult> {
  const { shopify, resource, range } = options;
  const spec = RESOURCES[resource];
  const search = exportSearch(range);
  let calls = 0;
  let costPoints = 0;
  const count = (cost: { actualQueryCost?: number | null; requestedQueryCost?: number } | undefined) => {
    calls++;
    costPoints += cost?.actualQueryCost ?? cost?.requestedQueryCost ?? 0;
  };
  const counted = await shopify.query<Record<string, { count: number } | null>>(
    `query IonfluxExportCount($query: String) { ${spec.count}(query: $query, limit: null) { count } }`,
    { query: search },
  );
  count(counted.cost);
  const matched = counted.data[spec.count]?.count ?? 0;
  const totals: ExportTotals = { count: 0, amountCents: 0, quantity: 0 };
  const emit = (record: ExportRecord) => {
    addToTotals(totals, resource, record);
    options.onRecord(record);
  };
  if (matched <= options.bulkThreshold) {
    await exportByPaging({ ...options, spec, search, emit, count });
    return { source: 'paging', totals, matched, bulkOperation: null, calls, costPoints };
  }
  const bulkOperation = await exportByBulkOperation({ ...options, search, emit, count });
  return { source: 'bulk', totals, matched, bulkOperation, calls, costPoints };
}

async function exportByPaging({
  shopify,
  resource,
  spec,
  search,
  emit,
  count,
}: ExportOptions & {
  spec: ResourceSpec;
  search: string;
  emit: (record: ExportRecord) => void;
  count: (cost: { actualQueryCost?: number | null; requestedQueryCost?: number } | undefined) => void;
}): Promise<void> {
  type Page = { nodes: Raw[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  let after: string | null = null;
  const pageSize = pageSizeFor(spec.nodeCost);
  for (;;) {
    const result: { data: Record<string, Page>; cost: Parameters<typeof count>[0] } = await shopify.query<
      Record<string, Page>
    >(pagingQuery(resource), { first: pageSize, after, query: search });
    count(result.cost);
    const page = result.data[spec.connection]!;
    for (const node of page.nodes) {
      if (resource === 'orders') emit(orderRecord(node));
      else if (resource === 'customers') emit(customerRecord(node));
      else if (resource === 'products') emit(productRecord(node));
      else {
        const order = { id: node.id as string, name: node.name as string, createdAt: node.createdAt as string };
        let lines = node.lineItems as Page;
        for (;;) {
          for (const line of lines.nodes) emit(lineRecord(line, order));
          if (!lines.pageInfo.hasNextPage || !lines.pageInfo.endCursor) break;
          const more: { data: { order: { lineItems: Page } | null }; cost: Parameters<typeof count>[0] } =
            await shopify.query<{ order: { lineItems: Page } | null }>(MORE_LINES_QUERY, {
              id: order.id,
              after: lines.pageInfo.endCursor,
            });
          count(more.cost);
          if (!more.data.order) break;
          lines = more.data.order.lineItems;
        }
      }
    }
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
    after = page.pageInfo.endCursor;
  }
}

const RUN_BULK_QUERY = `mutation IonfluxExportBulk($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: true) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}`;

const BULK_OPERATION_QUERY = `query IonfluxExportBulkStatus($id: ID!) {
  node(id: $id) {
    ... on BulkOperation { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl }
  }
}`;

interface BulkOperationState {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
}

async function exportByBulkOperation({
  shopify,
  node,
  itemIndex,
  resource,
  search,
  emit,
  count,
  pollMs = { first: 250, max: 5000 },
}: ExportOptions & {
  search: string;
  emit: (record: ExportRecord) => void;
  count: (cost: { actualQueryCost?: number | null; requestedQueryCost?: number } | undefined) => void;
}): Promise<ExportResult['bulkOperation']> {
  const started = await shopify.query<{
    bulkOperationRunQuery: {
      bulkOperation: { id: string; status: string } | null;
      userErrors: { field: string[] | null; message: string; code: string | null }[];
    };
  }>(RUN_BULK_QUERY, { query: exportBulkQuery(resource, search) });
  count(started.cost);
  const { bulkOperation, userErrors } = started.data.bulkOperationRunQuery;
  if (userErrors.length > 0 || !bulkOperation) {
    const inProgress = userErrors.some((e) => e.code === 'OPERATION_IN_PROGRESS');
    throw new NodeOperationError(
      node,
      `Shopify did not start the bulk export: ${userErrors.map((e) => e.message).join('; ') || 'no operation returned'}`,
      {
        itemIndex,
        description: inProgress
          ? 'Shopify runs one bulk query at a time per app and store: run the export again when the other one has finished.'
          : 'See https://shopify.dev/docs/api/usage/bulk-operations/queries',
      },
    );
  }
  // Poll until the operation ends, backing off.
  const host = new URL(shopify.connection.endpoint).host;
  let wait = pollMs.first;
  let state: BulkOperationState;
  for (;;) {
    const polled = await shopify.query<{ node: BulkOperationState | null }>(BULK_OPERATION_QUERY, {
      id: bulkOperation.id,
    });
    count(polled.cost);
    if (!polled.data.node)
      throw new NodeOperationError(node, `Shopify no longer knows the bulk operation ${bulkOperation.id}.`, {
        itemIndex,
      });
    state = polled.data.node;
    if (state.status !== 'CREATED' && state.status !== 'RUNNING' && state.status !== 'CANCELING') break;
    await shopify.http.wait(wait, host);
    wait = Math.min(pollMs.max, Math.round(wait * 1.5));
  }
  if (state.status !== 'COMPLETED')
    throw new NodeOperationError(
      node,
      `Shopify's bulk export ${state.id} ended ${state.status}${state.errorCode ? ` (${state.errorCode})` : ''} after ${state.objectCount} objects.`,
      {
        itemIndex,
        description: state.partialDataUrl
          ? 'Shopify kept the partial data (partialDataUrl); run the export again, or with a shorter period.'
          : 'Run the export again, or with a shorter period.',
      },
    );
  const result = {
    id: state.id,
    fileSize: state.fileSize === null ? null : Number(state.fileSize),
    objectCount: Number(state.objectCount),
  };
  // No URL: the query matched nothing.
  if (!state.url) return result;
  let order: { id: string; name: string | null; createdAt: string | null } | null = null;
  const url = state.url;
  // The download counts against the item's deadline like the queries before it.
  const download = (signal: AbortSignal | undefined) =>
    streamLines({
      url,
      signal,
      onLine: (line) => {
        const object = JSON.parse(line) as Raw;
        if (resource === 'orders') emit(orderRecord(object));
        else if (resource === 'customers') emit(customerRecord(object));
        else if (resource === 'products') emit(productRecord(object));
        else if (object.__parentId === undefined)
          order = { id: object.id as string, name: object.name as string, createdAt: object.createdAt as string };
        else {
          // Grouped output: a line item follows its order. Should Shopify not group, the order's name and date are
          // not at hand without holding every order; the order id always is.
          const parentId = object.__parentId as string;
          const parent: { id: string; name: string | null; createdAt: string | null } =
            order !== null && (order as { id: string }).id === parentId
              ? order
              : { id: parentId, name: null, createdAt: null };
          emit(lineRecord(object, parent));
        }
      },
    });
  await shopify.http.withDeadline(download).catch((error: unknown) => {
    throw new NodeOperationError(
      node,
      `Downloading the bulk export ${state.id} failed: ${error instanceof Error ? error.message : String(error)}`,
      { itemIndex },
    );
  });
  return result;
}

/**
 * GETs a JSONL file and hands each line to `onLine` as it arrives (never the whole file in memory). The URL is
 * Shopify's signed download link: it is fetched without the store's credentials.
 */
export function streamLines({
  url,
  signal,
  onLine,
  redirects = 3,
}: {
  url: string;
  signal: AbortSignal | undefined;
  onLine: (line: string) => void;
  redirects?: number;
}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'https:' && target.protocol !== 'http:')
      return reject(new Error(`not an http(s) URL: ${target.protocol}`));
    const transport = target.protocol === 'https:' ? https : http;
    const request = transport.get(target, { ...(signal ? { signal } : {}) }, (response) => {
      const status = response.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(status) && response.headers.location && redirects > 0) {
        response.resume();
        streamLines({ url: new URL(response.headers.location, target).href, signal, onLine, redirects: redirects - 1 })
          .then(resolve)
          .catch(reject);
        return;
      }
      if (status !== 200) {
        response.resume();
        return reject(new Error(`HTTP ${status} from ${target.host}`));
      }
      const lines = createInterface({ input: response as Readable, crlfDelay: Number.POSITIVE_INFINITY });
      let failed = false;
      lines.on('line', (line) => {
        if (failed || line.trim() === '') return;
        try {
          onLine(line);
        } catch (error) {
          failed = true;
          response.destroy();
          reject(error);
        }
      });
      lines.on('close', () => {
        if (failed) return;
        // A connection cut mid-file ends the stream too: only a complete response is the whole export.
        if (!response.complete) reject(new Error(`the connection to ${target.host} closed before the end of the file`));
        else resolve();
      });
      response.on('error', (error) => {
        failed = true;
        reject(error);
      });
    });
    request.on('error', reject);
  });
}
