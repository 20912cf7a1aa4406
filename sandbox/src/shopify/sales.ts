/**
 * The store's sales as Shopify's analytics record them (the `sales` table of ShopifyQL): one row per event, so an order
 * contributes a sale on the day it was placed and, later, a return on the day it was refunded or cancelled.
 *
 * Definitions (https://shopify.dev/docs/api/shopifyql/latest/schemas/sales_revenue/sales and Shopify's help center on
 * sales reports):
 * - gross sales: product price x quantity of the lines sold, before discounts, returns, shipping and taxes;
 * - discounts: the line-level and order-level discounts of those lines (reported negative);
 * - returns: the value of goods refunded, after their discounts, on the day of the refund (reported negative);
 *   cancelling an order returns everything in it on the day of the cancellation, paid or voided;
 * - net sales = gross sales + discounts + returns; shipping charges and taxes are charged minus refunded;
 * - total sales = net sales + shipping charges + taxes;
 * - orders: orders placed (cancelled ones included); average order value = (gross sales + discounts) / orders.
 * Gift card lines are not sales (a gift card is a liability until it is spent), as on Shopify.
 */
import type { ShopifyStore, StoreOrder } from './store';
import { MAX_ORDER_UPDATE_DELAY_DAYS, lineTaxes } from './store';

export const SALES_CHANNELS: Record<string, string> = {
  web: 'Online Store',
  pos: 'Point of Sale',
  shopify_draft_order: 'Draft Orders',
};

/** One row of the sales table: a line (or the shipping, productLegacyId null) of a sale or a return. */
export interface SalesRow {
  at: number;
  kind: 'sale' | 'return';
  orderLegacyId: number;
  productLegacyId: number | null;
  salesChannel: string;
  grossCents: number;
  /** Positive amounts; the table reports them negative. */
  discountCents: number;
  returnCents: number;
  shippingCents: number;
  taxCents: number;
  quantity: number;
}

function isGiftCardLine(store: ShopifyStore, productLegacyId: number): boolean {
  return store.product(productLegacyId)?.productType === 'Gift Cards';
}

/** The sales rows of one order (its sale, and its return when refunded or cancelled). */
export function salesRowsOf(store: ShopifyStore, order: StoreOrder): SalesRow[] {
  const channel = SALES_CHANNELS[order.sourceName] ?? order.sourceName;
  const base = { orderLegacyId: order.legacyId, salesChannel: channel };
  const zero = { grossCents: 0, discountCents: 0, returnCents: 0, shippingCents: 0, taxCents: 0, quantity: 0 };
  const taxes = lineTaxes(order);
  const at = order.createdAt.getTime();
  const rows: SalesRow[] = [];
  order.lineItems.forEach((line, k) => {
    if (isGiftCardLine(store, line.productLegacyId)) return;
    rows.push({
      ...base,
      ...zero,
      at,
      kind: 'sale',
      productLegacyId: line.productLegacyId,
      grossCents: line.unitPriceCents * line.quantity,
      discountCents: line.discountCents,
      taxCents: taxes[k]!,
      quantity: line.quantity,
    });
  });
  // The order row carries the shipping and counts the order even when every line is a gift card.
  rows.push({ ...base, ...zero, at, kind: 'sale', productLegacyId: null, shippingCents: order.shippingCents });

  const returned = order.cancelledAt
    ? {
        at: order.cancelledAt.getTime(),
        lines: order.lineItems.map((l, k) => ({
          lineIndex: k,
          quantity: l.quantity,
          subtotalCents: l.unitPriceCents * l.quantity - l.discountCents,
          taxCents: taxes[k]!,
        })),
        shippingCents: order.shippingCents,
      }
    : order.refund
      ? { at: order.refund.createdAt.getTime(), lines: order.refund.lines, shippingCents: order.refund.shippingCents }
      : null;
  if (returned) {
    for (const line of returned.lines) {
      const item = order.lineItems[line.lineIndex]!;
      if (isGiftCardLine(store, item.productLegacyId)) continue;
      rows.push({
        ...base,
        ...zero,
        at: returned.at,
        kind: 'return',
        productLegacyId: item.productLegacyId,
        returnCents: line.subtotalCents,
        taxCents: -line.taxCents,
        quantity: -line.quantity,
      });
    }
    if (returned.shippingCents !== 0)
      rows.push({
        ...base,
        ...zero,
        at: returned.at,
        kind: 'return',
        productLegacyId: null,
        shippingCents: -returned.shippingCents,
      });
  }
  return rows;
}

const dayRows = new WeakMap<ShopifyStore, Map<number, { orders: number; rows: SalesRow[] }>>();

/** Sales rows with `at` in [fromMs, toMs), from the orders of the days that can hold them (cached per day). */
export function salesRowsBetween(store: ShopifyStore, fromMs: number, toMs: number): SalesRow[] {
  let cache = dayRows.get(store);
  if (!cache) {
    cache = new Map();
    dayRows.set(store, cache);
  }
  const DAY = 86_400_000;
  // Refunds and cancellations happen within the update delay of their order.
  const firstDay = Math.floor(fromMs / DAY) - MAX_ORDER_UPDATE_DELAY_DAYS;
  const lastDay = Math.floor((toMs - 1) / DAY);
  const out: SalesRow[] = [];
  for (const day of store.orderDays()) {
    if (day < firstDay || day > lastDay) continue;
    const orders = store.ordersOn(day);
    let entry = cache.get(day);
    if (!entry || entry.orders !== orders.length) {
      entry = { orders: orders.length, rows: orders.flatMap((o) => salesRowsOf(store, o)) };
      cache.set(day, entry);
    }
    for (const row of entry.rows) if (row.at >= fromMs && row.at < toMs) out.push(row);
  }
  return out;
}
