import { describe, expect, it } from '@jest/globals';
import { DAY_MS, dayNumberOf } from '../shared/dates';
import { expectedOrders, generateStore } from './store';

const NOW = '2026-02-01T00:00:00Z';
let cached: ReturnType<typeof generateStore> | null = null;
/** One read-only store shared by the tests that do not mutate it. */
const shared = () => (cached ??= generateStore(42, NOW));

describe('generateStore', () => {
  it('is byte-identical for the same seed and clock', () => {
    const a = shared();
    const b = generateStore(42, NOW);
    expect(JSON.stringify(a.orders())).toBe(JSON.stringify(b.orders()));
    expect(JSON.stringify(a.products)).toBe(JSON.stringify(b.products));
    expect(JSON.stringify(a.customers())).toBe(JSON.stringify(b.customers()));
  });

  it('differs for another seed', () => {
    expect(JSON.stringify(generateStore(7, NOW).orders().slice(0, 50))).not.toBe(
      JSON.stringify(shared().orders().slice(0, 50)),
    );
  });

  it('keeps every past order identical when the clock moves forward a day', () => {
    const before = shared();
    const after = generateStore(42, new Date(Date.parse(NOW) + DAY_MS));
    const lastDay = dayNumberOf(new Date(NOW)) - 1;
    const pastBefore = before.orders();
    const pastAfter = after.orders().filter((o) => dayNumberOf(o.createdAt) <= lastDay);
    // The window drops its oldest day and gains the new one; all overlapping days are unchanged.
    expect(JSON.stringify(pastAfter)).toBe(
      JSON.stringify(pastBefore.filter((o) => dayNumberOf(o.createdAt) >= after.firstDay)),
    );
    expect(after.orders().some((o) => dayNumberOf(o.createdAt) === lastDay + 1)).toBe(true);
  });

  it('holds a year of orders ending at now, ids increasing with time, names sequential', () => {
    const store = shared();
    const orders = store.orders();
    expect(orders.length).toBeGreaterThan(12_000);
    expect(orders.every((o) => o.createdAt.getTime() < Date.parse(NOW))).toBe(true);
    expect(orders[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(Date.parse(NOW) - 365 * DAY_MS);
    for (let i = 1; i < orders.length; i++) {
      expect(orders[i]!.legacyId).toBeGreaterThan(orders[i - 1]!.legacyId);
      expect(orders[i]!.createdAt.getTime()).toBeGreaterThanOrEqual(orders[i - 1]!.createdAt.getTime());
      expect(orders[i]!.number).toBe(orders[i - 1]!.number + 1);
    }
  });

  it('has a holiday peak and weekday rhythm', () => {
    const store = shared();
    const perDay = new Map<string, number>();
    for (const o of store.orders())
      perDay.set(o.createdAt.toISOString().slice(0, 10), (perDay.get(o.createdAt.toISOString().slice(0, 10)) ?? 0) + 1);
    const mean = [...perDay.values()].reduce((a, b) => a + b, 0) / perDay.size;
    // Black Friday 2025 is 2025-11-28, Cyber Monday 2025-12-01.
    expect(perDay.get('2025-11-28')!).toBeGreaterThan(mean * 2.2);
    expect(perDay.get('2025-12-01')!).toBeGreaterThan(mean * 2);
    const december = [...perDay.entries()].filter(([d]) => d >= '2025-12-02' && d <= '2025-12-18').map(([, n]) => n);
    const march = [...perDay.entries()].filter(([d]) => d >= '2025-03-02' && d <= '2025-03-18').map(([, n]) => n);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(avg(december)).toBeGreaterThan(avg(march) * 1.3);
    // The demand model itself: Saturdays quieter than Mondays in the same week, paydays busier.
    const monday = dayNumberOf(new Date('2025-03-10T00:00:00Z'));
    expect(expectedOrders(monday + 5)).toBeLessThan(expectedOrders(monday));
    expect(expectedOrders(dayNumberOf(new Date('2025-04-15T00:00:00Z')))).toBeGreaterThan(
      expectedOrders(dayNumberOf(new Date('2025-04-14T00:00:00Z'))),
    );
  });

  it('computes totals consistently: subtotal + shipping + tax = total, line items reference real variants and prices', () => {
    const store = shared();
    for (const o of store.orders().slice(0, 3000)) {
      expect(o.totalCents).toBe(o.subtotalCents + o.shippingCents + o.taxCents);
      expect(o.subtotalCents).toBe(o.lineItemsSubtotalCents - o.discountCents);
      expect(o.lineItems.reduce((s, l) => s + l.discountCents, 0)).toBe(o.discountCents);
      for (const line of o.lineItems) {
        const variant = store.variant(line.variantLegacyId)!;
        expect(variant.priceCents).toBe(line.unitPriceCents);
        expect(store.product(line.productLegacyId)!.variants).toContain(variant);
      }
      expect(o.refundedCents).toBeLessThanOrEqual(o.totalCents);
      if (o.cancelledAt) expect(o.fulfillmentStatus).toBe('UNFULFILLED');
    }
  });

  it('includes discounts, refunds, cancellations and a spread of statuses', () => {
    const orders = shared().orders();
    const count = (f: (o: (typeof orders)[number]) => boolean) => orders.filter(f).length;
    expect(count((o) => o.discountCodes.length > 0)).toBeGreaterThan(orders.length * 0.08);
    expect(count((o) => o.cancelledAt !== null)).toBeGreaterThan(orders.length * 0.01);
    expect(count((o) => o.financialStatus === 'REFUNDED')).toBeGreaterThan(0);
    expect(count((o) => o.financialStatus === 'PARTIALLY_REFUNDED')).toBeGreaterThan(0);
    expect(count((o) => o.fulfillmentStatus === 'UNFULFILLED')).toBeGreaterThan(0);
    expect(count((o) => o.financialStatus === 'PAID')).toBeGreaterThan(orders.length * 0.85);
  });

  it('carries ~60 products with SKUs and some low stock, and ~800 customers', () => {
    const store = shared();
    expect(store.products.length).toBeGreaterThanOrEqual(50);
    expect(store.products.length).toBeLessThanOrEqual(70);
    expect(new Set(store.allVariants().map((v) => v.sku)).size).toBe(store.allVariants().length);
    expect(
      store.products.filter((p) => store.totalInventory(p) < 10 && p.productType !== 'Gift Cards').length,
    ).toBeGreaterThan(2);
    expect(new Set(store.products.map((p) => p.productType)).size).toBeGreaterThanOrEqual(6);
    expect(store.customers().length).toBeGreaterThan(600);
    expect(store.customers().length).toBeLessThan(1000);
    expect(new Set(store.customers().map((c) => c.email)).size).toBe(store.customers().length);
    expect(store.customers().every((c) => /@example\.(com|net|org)$/.test(c.email))).toBe(true);
  });

  it('counts customer orders and spend from the visible history', () => {
    const store = shared();
    const customer = store.customers()[3]!;
    const own = store.orders().filter((o) => o.customerLegacyId === customer.legacyId);
    const stats = store.customerStats(customer.legacyId);
    expect(stats.numberOfOrders).toBe(own.length);
    expect(stats.orderLegacyIds).toEqual(own.map((o) => o.legacyId));
  });

  it('creates control orders that land exactly on the requested total', () => {
    const store = generateStore(42, NOW);
    const before = store.orders().length;
    const order = store.createOrder({ totalCents: 15_000, createdAt: new Date('2026-02-01T10:00:00Z') });
    expect(order.totalCents).toBe(15_000);
    expect(order.totalCents).toBe(order.subtotalCents + order.shippingCents + order.taxCents);
    expect(order.lineItems.length).toBeGreaterThan(0);
    expect(store.orders().length).toBe(before + 1);
    expect(store.order(order.legacyId)).toEqual(order);
    expect(order.number).toBeGreaterThan(store.orders()[before - 1]!.number);
    expect(() => store.createOrder({ totalCents: 5, createdAt: new Date('2026-02-01T10:00:00Z') })).toThrow(/total/);
    expect(() => store.createOrder({ createdAt: new Date('2025-01-01T00:00:00Z') })).toThrow(/createdAt/);
  });

  it('rejects clocks before the store opened', () => {
    expect(() => generateStore(42, '2023-06-01')).toThrow(/now must be on or after/);
    expect(() => generateStore(42, 'not a date')).toThrow(/Invalid now/);
  });
});
