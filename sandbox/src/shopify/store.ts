/**
 * The Shopify dev store: products, customers and a year of orders, all derived from (seed, now).
 *
 * Invariants the tests pin:
 * - The orders of calendar day D depend only on (seed, D): ids, numbers, totals and statuses are drawn from a stream
 *   keyed by D, and order numbers come from per-day counts summed from a fixed epoch. Moving `now` forward adds days
 *   at the end of the history; it never changes a past order.
 * - Products and customers depend only on the seed (a customer signs up on a day, keyed like orders).
 * - Days are generated lazily and cached, so a query over one week only generates that week.
 *
 * Money is held in integer cents; formatting to Shopify's strings happens at the API edges.
 */
import {
  DISCOUNTS,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  PRODUCT_TYPES,
  REGIONS,
  SHIPPING_RATES,
  STREET_NAMES,
} from './catalog-data';
import type { DiscountSpec, Region } from './catalog-data';
import { DAY_MS, dateOfDay, dayNumberOf, nthWeekdayOfMonth } from '../shared/dates';
import { Random, cumulativeWeights, streamFor } from '../shared/prng';

/** The store opened on this day; order numbers and customer sign-ups count from here. */
export const STORE_EPOCH_DAY = dayNumberOf(new Date('2023-01-01T00:00:00Z'));
/** `now` must leave a full year of history after the epoch. */
export const EARLIEST_NOW = new Date('2024-01-01T00:00:00Z');
export const HISTORY_DAYS = 365;
/**
 * An order is last updated (fulfilled, refunded, cancelled) at most this many days after it was created (the
 * lifecycle timings below stay under 6 days), so an `updated_at` lower bound implies a `created_at` one.
 */
export const MAX_ORDER_UPDATE_DELAY_DAYS = 7;

const ORDER_ID_BASE = 6_000_000_000_000;
const LINE_ITEM_ID_BASE = 14_000_000_000_000;
const CUSTOMER_ID_BASE = 7_100_000_000_000;
const PRODUCT_ID_BASE = 8_100_000_000_000;
const VARIANT_ID_BASE = 45_100_000_000_000;
/** Order ids hold (day x stride + index); the default store keeps 1000 per day, larger stores 10 000. */
const DEFAULT_DAY_STRIDE = 1000;
const LARGE_DAY_STRIDE = 10_000;
/** Day-local indexes at or above (stride - this) are orders created through the control endpoint. */
const CONTROL_ORDERS_PER_DAY = 100;

export type FinancialStatus =
  'AUTHORIZED' | 'PAID' | 'PARTIALLY_PAID' | 'PARTIALLY_REFUNDED' | 'PENDING' | 'REFUNDED' | 'VOIDED' | 'EXPIRED';
export type FulfillmentStatus = 'FULFILLED' | 'UNFULFILLED' | 'PARTIALLY_FULFILLED';
export type CancelReason = 'CUSTOMER' | 'DECLINED' | 'FRAUD' | 'INVENTORY' | 'OTHER' | 'STAFF';
export type ProductStatus = 'ACTIVE' | 'ARCHIVED' | 'DRAFT';

export interface ShopInfo {
  legacyId: number;
  name: string;
  email: string;
  myshopifyDomain: string;
  currencyCode: 'USD';
  ianaTimezone: string;
  timezoneAbbreviation: string;
  primaryDomainUrl: string;
}

export interface StoreVariant {
  legacyId: number;
  productLegacyId: number;
  title: string;
  sku: string;
  barcode: string;
  priceCents: number;
  compareAtPriceCents: number | null;
  inventoryQuantity: number;
  position: number;
  optionName: string;
  optionValue: string;
  requiresShipping: boolean;
  taxable: boolean;
  grams: number;
}

export interface StoreProduct {
  legacyId: number;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  status: ProductStatus;
  tags: string[];
  descriptionHtml: string;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
  variants: StoreVariant[];
  /** Relative sales weight. */
  popularity: number;
}

export interface Address {
  firstName: string;
  lastName: string;
  address1: string;
  address2: string | null;
  city: string;
  province: string;
  provinceCode: string;
  country: string;
  countryCode: string;
  zip: string;
  phone: string | null;
  company: string | null;
}

export interface StoreCustomer {
  legacyId: number;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  createdAt: Date;
  tags: string[];
  acceptsMarketing: boolean;
  address: Address;
  taxRate: number;
}

export interface StoreLineItem {
  legacyId: number;
  productLegacyId: number;
  variantLegacyId: number;
  title: string;
  variantTitle: string;
  sku: string;
  vendor: string;
  quantity: number;
  unitPriceCents: number;
  /** Order-level discount allocated to this line. */
  discountCents: number;
  /** Units fulfilled. */
  fulfilledQuantity: number;
  requiresShipping: boolean;
  taxable: boolean;
  grams: number;
}

export interface StoreOrder {
  legacyId: number;
  number: number;
  name: string;
  createdAt: Date;
  processedAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  cancelReason: CancelReason | null;
  closedAt: Date | null;
  financialStatus: FinancialStatus;
  fulfillmentStatus: FulfillmentStatus;
  customerLegacyId: number | null;
  email: string;
  phone: string | null;
  lineItems: StoreLineItem[];
  lineItemsSubtotalCents: number;
  discountCents: number;
  discountCodes: string[];
  subtotalCents: number;
  shippingCents: number;
  shippingTitle: string;
  taxCents: number;
  taxRate: number;
  totalCents: number;
  refundedCents: number;
  /**
   * The refund behind `refundedCents` (one per order in this store), or null. Cancelled orders that were paid are
   * refunded in full at the cancellation; voided ones (never paid) have none.
   */
  refund: StoreRefund | null;
  shippingAddress: Address | null;
  billingAddress: Address | null;
  tags: string[];
  note: string | null;
  sourceName: string;
  test: boolean;
  token: string;
}

export interface StoreRefundLine {
  /** Index of the refunded line in `order.lineItems`. */
  lineIndex: number;
  quantity: number;
  /** Goods refunded: the line's price after its discount, for `quantity` units. */
  subtotalCents: number;
  taxCents: number;
}

export interface StoreRefund {
  createdAt: Date;
  lines: StoreRefundLine[];
  shippingCents: number;
}

export interface StoreOptions {
  /**
   * About how many orders the history holds (default: the natural volume, ~20 000 a year). Larger stores keep the
   * same seasonality, products and order mix, with proportionally more orders a day.
   */
  orders?: number;
  /** Days of history before `now` (default 365). */
  historyDays?: number;
  /** The shop's IANA time zone (default Etc/UTC); reports group days in it, order times stay instants. */
  timeZone?: string;
}

export interface CustomerStats {
  numberOfOrders: number;
  amountSpentCents: number;
  lastOrderLegacyId: number | null;
  orderLegacyIds: number[];
}

export interface CreateOrderInput {
  /** The order total to reach, in cents (line items, discount, shipping and tax are derived to add up to it). */
  totalCents?: number;
  lineItems?: { variantLegacyId: number; quantity: number }[];
  customerLegacyId?: number;
  email?: string;
  createdAt?: Date;
  financialStatus?: FinancialStatus;
  tags?: string[];
  note?: string;
}

export class InvalidStoreInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'InvalidStoreInputError';
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Demand model

function utcParts(day: number): { year: number; month: number; date: number; weekday: number } {
  const d = dateOfDay(day);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth(), date: d.getUTCDate(), weekday: d.getUTCDay() };
}

/** Black Friday = the day after the 4th Thursday of November. */
function blackFriday(year: number): number {
  return nthWeekdayOfMonth(year, 10, 4, 4) + 1;
}

/** Whether `day` is in the Black Friday - Cyber Monday promotion window (Tue before BF through CM). */
export function isBfcmWindow(day: number): boolean {
  const bf = blackFriday(utcParts(day).year);
  return day >= bf - 3 && day <= bf + 3;
}

const WEEKDAY_FACTOR = [0.9, 1.08, 1.03, 1.0, 1.0, 0.96, 0.8]; // Sun..Sat: weekends are quieter for this store
const MONTH_FACTOR = [0.8, 0.9, 0.95, 1.0, 1.04, 0.96, 0.93, 0.98, 0.97, 1.02, 1.12, 1.3];
/** Order time-of-day profile (UTC) of a US-centred store: evenings in US time zones are busiest. */
const HOUR_CUMULATIVE = cumulativeWeights([
  6, 5, 4, 3, 2, 1.5, 1.2, 1, 1, 1.2, 1.5, 2, 2.8, 3.5, 4, 4.5, 4.8, 5, 5, 5, 5.2, 5.5, 5.8, 6,
]);
const REGION_CUMULATIVE = cumulativeWeights(REGIONS.map((r) => r.weight));

/** Expected orders on a day: growth x weekday x month x paydays x holidays. Depends only on the date. */
export function expectedOrders(day: number): number {
  const { year, month, date, weekday } = utcParts(day);
  const years = (day - STORE_EPOCH_DAY) / 365;
  let lambda = 34 * (1 + 0.22 * Math.max(0, years));
  lambda *= WEEKDAY_FACTOR[weekday]!;
  lambda *= MONTH_FACTOR[month]!;
  if (date === 1 || date === 15)
    lambda *= 1.16; // paydays
  else if (date === 2 || date === 16) lambda *= 1.08;
  const bf = blackFriday(year);
  const offset = day - bf;
  if (offset === 0) lambda *= 3.4;
  else if (offset === 1) lambda *= 2.2;
  else if (offset === 2) lambda *= 1.9;
  else if (offset === 3)
    lambda *= 2.9; // Cyber Monday
  else if (offset === -1)
    lambda *= 1.25; // Thanksgiving
  else if (offset >= -4 && offset <= -2) lambda *= 1.4;
  else if (offset >= 4 && offset <= 6) lambda *= 1.3;
  if (month === 11) {
    if (date <= 18) lambda *= 1.3;
    else if (date <= 21)
      lambda *= 1.1; // shipping cut-off
    else if (date === 24) lambda *= 0.5;
    else if (date === 25) lambda *= 0.35;
    else if (date === 26) lambda *= 1.15;
  }
  if (month === 1 && date >= 7 && date <= 13) lambda *= 1.25; // Valentine's gifting
  return lambda;
}

// ---------------------------------------------------------------------------------------------------------------------

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function randomAddress(rng: Random, firstName: string, lastName: string): { address: Address; taxRate: number } {
  const region = REGIONS[rng.indexByCumulative(REGION_CUMULATIVE)] as Region;
  const [city, zip] = rng.pick(region.cities);
  return {
    taxRate: region.taxRate,
    address: {
      firstName,
      lastName,
      address1: `${rng.int(12, 9890)} ${rng.pick(STREET_NAMES)}`,
      address2: rng.chance(0.18) ? `Apt ${rng.int(1, 40)}${rng.pick(['', 'A', 'B'])}` : null,
      city,
      province: region.province,
      provinceCode: region.provinceCode,
      country: region.country,
      countryCode: region.countryCode,
      zip,
      phone: rng.chance(0.6) ? `+1555${String(rng.int(1000000, 9999999))}` : null,
      company: rng.chance(0.06) ? `${lastName} ${rng.pick(['Studio', 'LLC', 'Design Co.', 'Partners'])}` : null,
    },
  };
}

function taxRateOf(address: Address): number {
  const region = REGIONS.find((r) => r.countryCode === address.countryCode && r.provinceCode === address.provinceCode);
  return region?.taxRate ?? 0;
}

function roundCents(value: number): number {
  return Math.round(value + 1e-9);
}

/** Splits `total` over weights proportionally; the last share absorbs rounding. */
function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  shares[shares.length - 1]! += total - shares.reduce((a, b) => a + b, 0);
  return shares;
}

/** The order's tax spread over its taxable lines in proportion to their discounted totals (the last absorbs rounding). */
export function lineTaxes(order: StoreOrder): number[] {
  const weights = order.lineItems.map((l) => (l.taxable ? l.unitPriceCents * l.quantity - l.discountCents : 0));
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map((_w, k) => (k === 0 ? order.taxCents : 0));
  const shares = weights.map((w) => Math.floor((order.taxCents * w) / sum));
  let last = weights.length - 1;
  while (weights[last]! <= 0) last--;
  shares[last]! += order.taxCents - shares.reduce((a, b) => a + b, 0);
  return shares;
}

/** A refund of everything: every line after its discount with its tax, and the shipping. */
function fullRefund(order: StoreOrder, createdAt: Date): StoreRefund {
  const taxes = lineTaxes(order);
  return {
    createdAt,
    lines: order.lineItems.map((l, k) => ({
      lineIndex: k,
      quantity: l.quantity,
      subtotalCents: l.unitPriceCents * l.quantity - l.discountCents,
      taxCents: taxes[k]!,
    })),
    shippingCents: order.shippingCents,
  };
}

export class ShopifyStore {
  readonly shop: ShopInfo;
  readonly products: StoreProduct[];
  readonly now: Date;
  readonly nowDay: number;
  readonly firstDay: number;
  /** Multiplier of the natural order volume (1 for the default store). */
  readonly orderScale: number;
  private readonly dayStride: number;
  private readonly controlOrderIndex: number;

  private readonly variantsById = new Map<number, StoreVariant>();
  private readonly productsById = new Map<number, StoreProduct>();
  private readonly dayCache = new Map<number, StoreOrder[]>();
  private readonly orderCountCache = new Map<number, number>();
  private orderNumberPrefix: number[] | null = null;
  private signupPrefix: number[] | null = null;
  private visibleOrdersCache: StoreOrder[] | null = null;
  private customersCache: StoreCustomer[] | null = null;
  private statsCache: Map<number, CustomerStats> | null = null;
  /** Orders created at runtime through the control endpoint, by day. */
  private readonly createdOrders = new Map<number, StoreOrder[]>();

  constructor(
    readonly seed: number,
    now: Date,
    options: StoreOptions = {},
  ) {
    if (!Number.isSafeInteger(seed)) throw new TypeError(`seed must be a safe integer, got ${seed}`);
    if (now.getTime() < EARLIEST_NOW.getTime()) {
      throw new TypeError(
        `now must be on or after ${EARLIEST_NOW.toISOString().slice(0, 10)} (the store opened in 2023)`,
      );
    }
    const historyDays = options.historyDays ?? HISTORY_DAYS;
    if (!Number.isInteger(historyDays) || historyDays < 1 || historyDays > 3650)
      throw new TypeError(`historyDays must be an integer between 1 and 3650, got ${historyDays}`);
    this.now = new Date(now.getTime());
    this.nowDay = dayNumberOf(now);
    this.firstDay = this.nowDay - historyDays;
    if (this.firstDay < STORE_EPOCH_DAY)
      throw new TypeError(
        `${historyDays} days of history before ${now.toISOString().slice(0, 10)} start before the store opened (2023-01-01)`,
      );
    const timeZone = options.timeZone ?? 'Etc/UTC';
    let timezoneAbbreviation: string;
    try {
      timezoneAbbreviation =
        new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
          .formatToParts(now)
          .find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
    } catch {
      throw new TypeError(`timeZone must be an IANA time zone such as America/New_York, got ${timeZone}`);
    }
    if (options.orders !== undefined) {
      if (!Number.isInteger(options.orders) || options.orders < 1 || options.orders > 5_000_000)
        throw new TypeError(`orders must be an integer between 1 and 5000000, got ${options.orders}`);
      let natural = 0;
      for (let day = this.firstDay + 1; day <= this.nowDay; day++) natural += expectedOrders(day);
      this.orderScale = options.orders / natural;
    } else this.orderScale = 1;
    this.dayStride = this.orderScale > 1 ? LARGE_DAY_STRIDE : DEFAULT_DAY_STRIDE;
    this.controlOrderIndex = this.dayStride - CONTROL_ORDERS_PER_DAY;
    this.shop = {
      legacyId: 60_000_000_000 + streamFor(seed, 'shop').int(100_000, 999_999),
      name: 'IONFLUX Demo Store',
      email: 'owner@ionflux-demo.example.com',
      myshopifyDomain: 'ionflux-demo.myshopify.com',
      currencyCode: 'USD',
      ianaTimezone: timeZone,
      timezoneAbbreviation,
      primaryDomainUrl: 'https://ionflux-demo.myshopify.com',
    };
    this.products = this.generateProducts();
    for (const product of this.products) {
      this.productsById.set(product.legacyId, product);
      for (const variant of product.variants) this.variantsById.set(variant.legacyId, variant);
    }
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Products

  private generateProducts(): StoreProduct[] {
    const rng = streamFor(this.seed, 'products');
    const products: StoreProduct[] = [];
    let index = 0;
    const created0 = dayNumberOf(new Date('2023-01-02T00:00:00Z'));
    for (const spec of PRODUCT_TYPES) {
      const combos = rng.shuffle(spec.adjectives.flatMap((adj) => spec.bases.map((base) => `${adj} ${base}`)));
      const titles = spec.code === 'GFT' ? ['IONFLUX Digital Gift Card'] : combos.slice(0, spec.count);
      for (const title of titles) {
        index++;
        const legacyId = PRODUCT_ID_BASE + index * 10_007 + rng.int(0, 9_999);
        const createdAt = new Date(
          (created0 + Math.floor((index * 170) / 60)) * DAY_MS + rng.int(9 * 3600, 18 * 3600) * 1000,
        );
        const updatedAt = new Date(createdAt.getTime() + rng.int(1, 400) * DAY_MS);
        const basePrice =
          spec.priceCents[1] === 0
            ? spec.priceCents[0]
            : Math.round(rng.logNormal(spec.priceCents[0], spec.priceCents[1]) / 100) * 100 - 1 + 100;
        const lowStock = spec.code !== 'GFT' && rng.chance(0.14);
        const onSale = spec.code !== 'GFT' && rng.chance(0.15);
        const isGiftCard = spec.code === 'GFT';
        const variants: StoreVariant[] = spec.option.values.map(([value, offset], position) => {
          const price = basePrice + offset;
          return {
            legacyId: VARIANT_ID_BASE + index * 1_009 * 10 + position * 7 + rng.int(0, 6),
            productLegacyId: legacyId,
            title: value,
            sku: `${spec.code}-${String(index).padStart(3, '0')}-${slugify(value).toUpperCase() || 'STD'}`,
            barcode: String(rng.int(100_000_000, 999_999_999)) + String(rng.int(100, 999)),
            priceCents: price,
            compareAtPriceCents: onSale ? Math.round((price * rng.float(1.15, 1.4)) / 100) * 100 - 1 : null,
            inventoryQuantity: isGiftCard
              ? 0
              : lowStock
                ? rng.int(0, 8)
                : Math.max(9, Math.round(rng.logNormal(48, 0.6))),
            position: position + 1,
            optionName: spec.option.name,
            optionValue: value,
            requiresShipping: !isGiftCard,
            taxable: !isGiftCard,
            grams: isGiftCard ? 0 : rng.int(80, 1200),
          };
        });
        const status: ProductStatus = index === 17 || index === 41 ? 'DRAFT' : index === 29 ? 'ARCHIVED' : 'ACTIVE';
        const vendor = rng.pick(spec.vendors);
        products.push({
          legacyId,
          title,
          handle: slugify(title),
          vendor,
          productType: spec.type,
          status,
          tags: [...spec.tags.filter(() => rng.chance(0.7)), ...(lowStock ? [] : [])].sort(),
          descriptionHtml: `<p>${title} by ${vendor}. ${spec.type === 'Gift Cards' ? 'Delivered by email.' : `Part of our ${spec.type.toLowerCase()} collection.`}</p>`,
          createdAt,
          updatedAt,
          publishedAt: status === 'ACTIVE' ? new Date(createdAt.getTime() + 3600_000) : null,
          variants,
          popularity: rng.logNormal(1, 0.7),
        });
      }
    }
    return products.sort((a, b) => a.legacyId - b.legacyId);
  }

  product(legacyId: number): StoreProduct | undefined {
    return this.productsById.get(legacyId);
  }

  variant(legacyId: number): StoreVariant | undefined {
    return this.variantsById.get(legacyId);
  }

  allVariants(): StoreVariant[] {
    return this.products.flatMap((p) => p.variants);
  }

  totalInventory(product: StoreProduct): number {
    return product.variants.reduce((sum, v) => sum + Math.max(0, v.inventoryQuantity), 0);
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Customers: sign up per day from the epoch; customer (day, index) depends only on (seed, day).

  private signupsOn(day: number): number {
    if (day < STORE_EPOCH_DAY) return 0;
    if (day === STORE_EPOCH_DAY) return 100; // imported from the previous platform on opening day
    return Math.min(99, streamFor(this.seed, 'signups', day).poisson(0.6));
  }

  /** signupPrefix[i] = customers signed up before day STORE_EPOCH_DAY + i. */
  private ensureSignupPrefix(): number[] {
    if (this.signupPrefix) return this.signupPrefix;
    const prefix = [0];
    for (let day = STORE_EPOCH_DAY; day <= this.nowDay; day++)
      prefix.push(prefix[prefix.length - 1]! + this.signupsOn(day));
    this.signupPrefix = prefix;
    return prefix;
  }

  private customersBefore(day: number): number {
    const prefix = this.ensureSignupPrefix();
    const i = Math.max(0, Math.min(prefix.length - 1, day - STORE_EPOCH_DAY));
    return prefix[i]!;
  }

  private customerAt(day: number, index: number): StoreCustomer {
    const rng = streamFor(this.seed, 'customer', day, index);
    const firstName = rng.pick(FIRST_NAMES);
    const lastName = rng.pick(LAST_NAMES);
    const { address, taxRate } = randomAddress(rng, firstName, lastName);
    const serial = (day - STORE_EPOCH_DAY) * 100 + index;
    const seconds = day === STORE_EPOCH_DAY ? 3600 + index * 30 : rng.int(0, 86_399);
    return {
      legacyId: CUSTOMER_ID_BASE + (day - STORE_EPOCH_DAY) * 100 + index,
      firstName,
      lastName,
      email: `${firstName}.${lastName}${serial}@${rng.pick(EMAIL_DOMAINS)}`.toLowerCase(),
      phone: address.phone,
      createdAt: new Date(day * DAY_MS + seconds * 1000),
      tags: [...(rng.chance(0.3) ? ['newsletter'] : []), ...(rng.chance(0.03) ? ['wholesale'] : [])],
      acceptsMarketing: rng.chance(0.45),
      address,
      taxRate,
    };
  }

  /** The k-th customer ever (0-based, by sign-up order). */
  private customerByIndex(k: number): StoreCustomer {
    let customer = this.customerIndexCache.get(k);
    if (!customer) {
      customer = this.locateCustomer(k);
      this.customerIndexCache.set(k, customer);
    }
    return customer;
  }

  private locateCustomer(k: number): StoreCustomer {
    const prefix = this.ensureSignupPrefix();
    let lo = 0;
    let hi = prefix.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (prefix[mid]! <= k) lo = mid;
      else hi = mid - 1;
    }
    return this.customerAt(STORE_EPOCH_DAY + lo, k - prefix[lo]!);
  }

  customer(legacyId: number): StoreCustomer | undefined {
    const offset = legacyId - CUSTOMER_ID_BASE;
    if (!Number.isSafeInteger(offset) || offset < 0) return undefined;
    const day = STORE_EPOCH_DAY + Math.floor(offset / 100);
    const index = offset % 100;
    if (day > this.nowDay || index >= this.signupsOn(day)) return undefined;
    const customer = this.customerAt(day, index);
    return customer.createdAt.getTime() < this.now.getTime() ? customer : undefined;
  }

  /** Every customer signed up before `now`, oldest first. */
  customers(): StoreCustomer[] {
    if (this.customersCache) return this.customersCache;
    const list: StoreCustomer[] = [];
    for (let day = STORE_EPOCH_DAY; day <= this.nowDay; day++) {
      const n = this.signupsOn(day);
      for (let i = 0; i < n; i++) {
        const c = this.customerAt(day, i);
        if (c.createdAt.getTime() < this.now.getTime()) list.push(c);
      }
    }
    this.customersCache = list;
    return list;
  }

  /** Order count and lifetime spend over the visible history. */
  customerStats(legacyId: number): CustomerStats {
    if (!this.statsCache) {
      const stats = new Map<number, CustomerStats>();
      for (const order of this.orders()) this.addToStats(stats, order);
      this.statsCache = stats;
    }
    return (
      this.statsCache.get(legacyId) ?? {
        numberOfOrders: 0,
        amountSpentCents: 0,
        lastOrderLegacyId: null,
        orderLegacyIds: [],
      }
    );
  }

  private addToStats(stats: Map<number, CustomerStats>, order: StoreOrder): void {
    if (order.customerLegacyId === null) return;
    let entry = stats.get(order.customerLegacyId);
    if (!entry) {
      entry = { numberOfOrders: 0, amountSpentCents: 0, lastOrderLegacyId: null, orderLegacyIds: [] };
      stats.set(order.customerLegacyId, entry);
    }
    entry.numberOfOrders++;
    if (
      order.financialStatus !== 'VOIDED' &&
      order.financialStatus !== 'PENDING' &&
      order.financialStatus !== 'AUTHORIZED'
    ) {
      entry.amountSpentCents += order.totalCents - order.refundedCents;
    }
    entry.lastOrderLegacyId = order.legacyId;
    entry.orderLegacyIds.push(order.legacyId);
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Orders

  orderCountOn(day: number): number {
    if (day < STORE_EPOCH_DAY) return 0;
    let count = this.orderCountCache.get(day);
    if (count === undefined) {
      count = Math.min(
        this.controlOrderIndex - 1,
        streamFor(this.seed, 'order-count', day).poisson(expectedOrders(day) * this.orderScale),
      );
      this.orderCountCache.set(day, count);
    }
    return count;
  }

  /** The order number of the first order of `day` (numbers start at 1001 on the epoch). */
  private firstOrderNumberOn(day: number): number {
    if (!this.orderNumberPrefix) {
      const prefix = [1001];
      for (let d = STORE_EPOCH_DAY; d <= this.nowDay + 1; d++)
        prefix.push(prefix[prefix.length - 1]! + this.orderCountOn(d));
      this.orderNumberPrefix = prefix;
    }
    return this.orderNumberPrefix[Math.max(0, day - STORE_EPOCH_DAY)]!;
  }

  /** All generated orders of a calendar day (regardless of `now`), oldest first. */
  generatedOrdersOn(day: number): StoreOrder[] {
    let orders = this.dayCache.get(day);
    if (orders) return orders;
    const count = this.orderCountOn(day);
    const rng = streamFor(this.seed, 'orders', day);
    const seconds: number[] = [];
    for (let i = 0; i < count; i++) {
      const hour = rng.indexByCumulative(HOUR_CUMULATIVE);
      seconds.push(hour * 3600 + rng.int(0, 3599));
    }
    seconds.sort((a, b) => a - b);
    const firstNumber = this.firstOrderNumberOn(day);
    const { month, date } = utcParts(day);
    const calendar = {
      month,
      date,
      bfcm: isBfcmWindow(day),
      giftSeason: (month === 10 && date >= 20) || (month === 11 && date <= 24),
    };
    orders = seconds.map((s, index) =>
      this.generateOrder(day, index, firstNumber + index, new Date(day * DAY_MS + s * 1000), calendar),
    );
    this.dayCache.set(day, orders);
    return orders;
  }

  private activeProductsCache: StoreProduct[] | null = null;
  private readonly productWeightCache = new Map<boolean, number[]>();
  private readonly customerIndexCache = new Map<number, StoreCustomer>();

  private activeProducts(): StoreProduct[] {
    this.activeProductsCache ??= this.products.filter((p) => p.status === 'ACTIVE');
    return this.activeProductsCache;
  }

  /** Cumulative sales weights of the active products; gift-tagged products sell more in the gifting season. */
  private productWeights(giftSeason: boolean): number[] {
    let weights = this.productWeightCache.get(giftSeason);
    if (!weights) {
      weights = cumulativeWeights(
        this.activeProducts().map(
          (p) =>
            p.popularity *
            (giftSeason && p.tags.includes('gift') ? 2.2 : 1) *
            (p.productType === 'Gift Cards' ? 0.25 : 1),
        ),
      );
      this.productWeightCache.set(giftSeason, weights);
    }
    return weights;
  }

  private generateOrder(
    day: number,
    index: number,
    number: number,
    createdAt: Date,
    calendar: { month: number; date: number; bfcm: boolean; giftSeason: boolean },
  ): StoreOrder {
    const rng = streamFor(this.seed, 'order', day, index);
    const legacyId = ORDER_ID_BASE + day * this.dayStride + index;
    const { month, date, bfcm, giftSeason } = calendar;

    // Customer: older customers order more often (loyalty skew); a few checkouts are guests.
    const known = this.customersBefore(day);
    let customer: StoreCustomer | null = null;
    if (known > 0 && !rng.chance(0.04)) customer = this.customerByIndex(Math.floor(known * Math.pow(rng.next(), 1.35)));
    const guestFirst = rng.pick(FIRST_NAMES);
    const guestLast = rng.pick(LAST_NAMES);
    const guest = randomAddress(rng, guestFirst, guestLast);
    const address = customer?.address ?? guest.address;
    const email = customer?.email ?? `${guestFirst}.${guestLast}.guest${legacyId % 100000}@example.net`.toLowerCase();

    // Line items.
    const products = this.activeProducts();
    const weights = this.productWeights(giftSeason);
    const lineCount = rng.weighted([
      [1, 60],
      [2, 25],
      [3, 10],
      [4, 5],
    ] as const);
    const chosen = new Map<number, { variant: StoreVariant; product: StoreProduct; quantity: number }>();
    for (let i = 0; i < lineCount; i++) {
      const product = products[rng.indexByCumulative(weights)]!;
      const variant = rng.pick(product.variants);
      const quantity = rng.weighted([
        [1, 85],
        [2, 12],
        [3, 3],
      ] as const);
      const existing = chosen.get(variant.legacyId);
      if (existing) existing.quantity += quantity;
      else chosen.set(variant.legacyId, { variant, product, quantity });
    }
    const lines = [...chosen.values()];

    // Discount code.
    const itemsSubtotal = lines.reduce((sum, l) => sum + l.variant.priceCents * l.quantity, 0);
    let discount: DiscountSpec | null = null;
    if (bfcm && rng.chance(0.55)) discount = DISCOUNTS.BFCM25!;
    else if (month === 11 && date <= 20 && rng.chance(0.25)) discount = DISCOUNTS.HOLIDAY20!;
    else {
      const roll = rng.next();
      if (roll < 0.05) discount = DISCOUNTS.WELCOME10!;
      else if (roll < 0.1 && itemsSubtotal >= 6000) discount = DISCOUNTS.SAVE15!;
      else if (roll < 0.13) discount = DISCOUNTS.TAKE5!;
      else if (roll < 0.16) discount = DISCOUNTS.FREESHIP!;
    }
    const express = rng.chance(0.09);
    const financialRoll = rng.next();
    const fulfillmentRoll = rng.next();
    const cancelRoll = rng.next();
    const timing = { fulfillHours: rng.int(6, 54), refundHours: rng.int(20, 140), cancelHours: rng.int(1, 20) };
    const sourceName = rng.weighted([
      ['web', 92],
      ['shopify_draft_order', 4],
      ['pos', 4],
    ] as const);
    const note = rng.chance(0.04)
      ? rng.pick([
          'Gift wrap please',
          'Please leave at the front desk',
          'Happy birthday, Sam!',
          'No invoice in the box please',
        ])
      : null;
    const cancelReason = rng.weighted([
      ['CUSTOMER', 55],
      ['INVENTORY', 15],
      ['FRAUD', 12],
      ['DECLINED', 10],
      ['OTHER', 8],
    ] as const) as CancelReason;
    const token = rng.hex(32);

    const items = lines.map((l, k) => ({
      legacyId: LINE_ITEM_ID_BASE + (day * this.dayStride + index) * 10 + k,
      product: l.product,
      variant: l.variant,
      quantity: l.quantity,
    }));
    const order = this.priceOrder({
      legacyId,
      number,
      createdAt,
      customer,
      email,
      address,
      items,
      discount,
      express,
      sourceName,
      note,
      token,
      tags: [...(bfcm ? ['bfcm'] : []), ...(express ? ['express'] : [])],
    });
    return this.applyLifecycle(order, { financialRoll, fulfillmentRoll, cancelRoll, cancelReason, timing });
  }

  /** Computes discount allocation, shipping, tax and totals for a set of line items. */
  private priceOrder(input: {
    legacyId: number;
    number: number;
    createdAt: Date;
    customer: StoreCustomer | null;
    email: string;
    address: Address;
    items: { legacyId: number; product: StoreProduct; variant: StoreVariant; quantity: number }[];
    discount: DiscountSpec | null;
    express: boolean;
    sourceName: string;
    note: string | null;
    token: string;
    tags: string[];
    /** When set, a manual discount that lowers the line items to exactly this subtotal (control orders). */
    targetSubtotalCents?: number;
    shippingOverride?: { title: string; cents: number };
  }): StoreOrder {
    const lineTotals = input.items.map((i) => i.variant.priceCents * i.quantity);
    const itemsSubtotal = lineTotals.reduce((a, b) => a + b, 0);
    let discountCents = 0;
    const discountCodes: string[] = [];
    if (input.targetSubtotalCents !== undefined) {
      discountCents = itemsSubtotal - input.targetSubtotalCents;
      if (discountCents > 0) discountCodes.push('SANDBOX');
    } else if (input.discount) {
      discountCodes.push(input.discount.code);
      if (input.discount.kind === 'percentage') discountCents = roundCents(itemsSubtotal * input.discount.value);
      else if (input.discount.kind === 'fixed_amount') discountCents = Math.min(itemsSubtotal, input.discount.value);
    }
    const allocations = allocate(discountCents, lineTotals);
    const subtotal = itemsSubtotal - discountCents;
    const needsShipping = input.items.some((i) => i.variant.requiresShipping);
    let shipping: { title: string; cents: number };
    if (input.shippingOverride) shipping = input.shippingOverride;
    else if (!needsShipping) shipping = { title: 'No shipping required', cents: 0 };
    else if (input.express) shipping = { ...SHIPPING_RATES.express };
    else if (subtotal >= SHIPPING_RATES.freeThresholdCents || input.discount?.kind === 'free_shipping')
      shipping = { ...SHIPPING_RATES.free };
    else shipping = { ...SHIPPING_RATES.standard };
    const taxRate = taxRateOf(input.address);
    const taxableSubtotal = input.items.reduce(
      (sum, item, k) => sum + (item.variant.taxable ? lineTotals[k]! - allocations[k]! : 0),
      0,
    );
    const taxCents = roundCents(taxableSubtotal * taxRate);
    const shippingAddress = needsShipping ? input.address : null;
    return {
      legacyId: input.legacyId,
      number: input.number,
      name: `#${input.number}`,
      createdAt: input.createdAt,
      processedAt: input.createdAt,
      updatedAt: input.createdAt,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      financialStatus: 'PAID',
      fulfillmentStatus: 'UNFULFILLED',
      customerLegacyId: input.customer?.legacyId ?? null,
      email: input.email,
      phone: input.address.phone,
      lineItems: input.items.map((item, k) => ({
        legacyId: item.legacyId,
        productLegacyId: item.product.legacyId,
        variantLegacyId: item.variant.legacyId,
        title: item.product.title,
        variantTitle: item.variant.title,
        sku: item.variant.sku,
        vendor: item.product.vendor,
        quantity: item.quantity,
        unitPriceCents: item.variant.priceCents,
        discountCents: allocations[k]!,
        fulfilledQuantity: 0,
        requiresShipping: item.variant.requiresShipping,
        taxable: item.variant.taxable,
        grams: item.variant.grams,
      })),
      lineItemsSubtotalCents: itemsSubtotal,
      discountCents,
      discountCodes,
      subtotalCents: subtotal,
      shippingCents: shipping.cents,
      shippingTitle: shipping.title,
      taxCents,
      taxRate,
      totalCents: subtotal + shipping.cents + taxCents,
      refundedCents: 0,
      refund: null,
      shippingAddress,
      billingAddress: input.address,
      tags: [...input.tags, ...(subtotal + shipping.cents + taxCents >= 25_000 ? ['high-value'] : [])].sort(),
      note: input.note,
      sourceName: input.sourceName,
      test: false,
      token: input.token,
    };
  }

  /** Financial/fulfillment status, cancellation and refunds, with their timestamps. */
  private applyLifecycle(
    order: StoreOrder,
    rolls: {
      financialRoll: number;
      fulfillmentRoll: number;
      cancelRoll: number;
      cancelReason: CancelReason;
      timing: { fulfillHours: number; refundHours: number; cancelHours: number };
    },
  ): StoreOrder {
    const created = order.createdAt.getTime();
    const hour = 3600_000;
    if (rolls.cancelRoll < 0.022) {
      const cancelledAt = new Date(created + rolls.timing.cancelHours * hour);
      const voided = rolls.cancelReason === 'DECLINED' || rolls.cancelReason === 'FRAUD';
      return {
        ...order,
        cancelledAt,
        cancelReason: rolls.cancelReason,
        closedAt: cancelledAt,
        updatedAt: cancelledAt,
        financialStatus: voided ? 'VOIDED' : 'REFUNDED',
        refundedCents: voided ? 0 : order.totalCents,
        refund: voided ? null : fullRefund(order, cancelledAt),
        fulfillmentStatus: 'UNFULFILLED',
      };
    }
    const r = rolls.financialRoll;
    const financialStatus: FinancialStatus =
      r < 0.02
        ? 'PENDING'
        : r < 0.032
          ? 'AUTHORIZED'
          : r < 0.055
            ? 'PARTIALLY_REFUNDED'
            : r < 0.07
              ? 'REFUNDED'
              : 'PAID';
    let fulfillmentStatus: FulfillmentStatus = 'UNFULFILLED';
    if (financialStatus === 'PAID' || financialStatus === 'PARTIALLY_REFUNDED') {
      const f = rolls.fulfillmentRoll;
      fulfillmentStatus =
        f < 0.04 ? 'UNFULFILLED' : f < 0.06 && order.lineItems.length > 1 ? 'PARTIALLY_FULFILLED' : 'FULFILLED';
    } else if (financialStatus === 'REFUNDED') {
      fulfillmentStatus = rolls.fulfillmentRoll < 0.5 ? 'UNFULFILLED' : 'FULFILLED';
    }
    const needsShipping = order.lineItems.some((l) => l.requiresShipping);
    if (!needsShipping && fulfillmentStatus !== 'UNFULFILLED') fulfillmentStatus = 'FULFILLED';
    const lineItems = order.lineItems.map((line, k) => ({
      ...line,
      fulfilledQuantity:
        fulfillmentStatus === 'FULFILLED' || (fulfillmentStatus === 'PARTIALLY_FULFILLED' && k === 0)
          ? line.quantity
          : 0,
    }));
    let updated = created;
    if (fulfillmentStatus !== 'UNFULFILLED') updated = created + rolls.timing.fulfillHours * hour;
    let refundedCents = 0;
    let refund: StoreRefund | null = null;
    const refundedAt = new Date(created + rolls.timing.refundHours * hour);
    if (financialStatus === 'REFUNDED') {
      refundedCents = order.totalCents;
      refund = fullRefund(order, refundedAt);
    }
    if (financialStatus === 'PARTIALLY_REFUNDED') {
      const line = lineItems.reduce((a, b) => (b.unitPriceCents < a.unitPriceCents ? b : a));
      const unitNet = line.unitPriceCents - Math.floor(line.discountCents / line.quantity);
      refundedCents = Math.min(
        order.totalCents - 1,
        unitNet + roundCents(unitNet * (line.taxable ? order.taxRate : 0)),
      );
      const taxCents = Math.max(0, refundedCents - unitNet);
      refund = {
        createdAt: refundedAt,
        lines: [{ lineIndex: lineItems.indexOf(line), quantity: 1, subtotalCents: refundedCents - taxCents, taxCents }],
        shippingCents: 0,
      };
    }
    if (refundedCents > 0) updated = Math.max(updated, refundedAt.getTime());
    const settled =
      financialStatus === 'PAID' || financialStatus === 'REFUNDED' || financialStatus === 'PARTIALLY_REFUNDED';
    return {
      ...order,
      lineItems,
      financialStatus,
      fulfillmentStatus,
      refundedCents,
      refund,
      updatedAt: new Date(updated),
      closedAt: settled && fulfillmentStatus === 'FULFILLED' ? new Date(updated) : null,
    };
  }

  /** Orders of a day visible at `now` (generated ones created before `now`, plus control-created ones). */
  ordersOn(day: number): StoreOrder[] {
    if (day < this.firstDay || day > this.nowDay) return this.createdOrders.get(day) ?? [];
    const generated =
      day === this.nowDay
        ? this.generatedOrdersOn(day).filter((o) => o.createdAt.getTime() < this.now.getTime())
        : this.generatedOrdersOn(day);
    const created = this.createdOrders.get(day);
    return created ? [...generated, ...created] : generated;
  }

  /** Days that can hold visible orders, ascending. */
  orderDays(): number[] {
    const days: number[] = [];
    for (let day = this.firstDay; day <= this.nowDay; day++) days.push(day);
    for (const day of this.createdOrders.keys()) if (day > this.nowDay) days.push(day);
    return days.sort((a, b) => a - b);
  }

  /** Every visible order, ascending by id (= by creation time). */
  orders(): StoreOrder[] {
    if (!this.visibleOrdersCache) this.visibleOrdersCache = this.orderDays().flatMap((day) => this.ordersOn(day));
    return this.visibleOrdersCache;
  }

  /** Visible orders created in [fromMs, toMs), generating only the days involved. */
  ordersCreatedBetween(fromMs: number, toMs: number): StoreOrder[] {
    const from = Math.max(this.firstDay, Math.floor(fromMs / DAY_MS));
    const to = Math.floor((toMs - 1) / DAY_MS);
    const out: StoreOrder[] = [];
    for (const day of this.orderDays()) {
      if (day < from || day > to) continue;
      for (const order of this.ordersOn(day)) {
        const t = order.createdAt.getTime();
        if (t >= fromMs && t < toMs) out.push(order);
      }
    }
    return out;
  }

  /** The order holding a line item (line ids encode their order's), with the line's index in it. */
  orderOfLineItem(lineLegacyId: number): { order: StoreOrder; index: number } | undefined {
    const offset = lineLegacyId - LINE_ITEM_ID_BASE;
    if (!Number.isSafeInteger(offset) || offset < 0) return undefined;
    const order = this.order(ORDER_ID_BASE + Math.floor(offset / 10));
    const index = order ? order.lineItems.findIndex((l) => l.legacyId === lineLegacyId) : -1;
    return order && index >= 0 ? { order, index } : undefined;
  }

  order(legacyId: number): StoreOrder | undefined {
    const offset = legacyId - ORDER_ID_BASE;
    if (!Number.isSafeInteger(offset) || offset < 0) return undefined;
    const day = Math.floor(offset / this.dayStride);
    return this.ordersOn(day).find((o) => o.legacyId === legacyId);
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Control: create an order at runtime (e.g. a $150 order for the Sales Sentinel demo).

  createOrder(input: CreateOrderInput): StoreOrder {
    const createdAt = input.createdAt ?? new Date(Math.max(Date.now(), this.now.getTime()));
    if (Number.isNaN(createdAt.getTime()))
      throw new InvalidStoreInputError('createdAt is not a valid date', 'createdAt');
    const day = dayNumberOf(createdAt);
    if (day < this.nowDay)
      throw new InvalidStoreInputError('createdAt must not be before the store clock (now)', 'createdAt');
    const existing = this.createdOrders.get(day) ?? [];
    if (existing.length >= 99)
      throw new InvalidStoreInputError('at most 99 orders can be created per day', 'createdAt');
    const index = this.controlOrderIndex + existing.length;
    const generatedToday = day === this.nowDay ? this.generatedOrdersOn(day).length : 0;
    const priorCreated = [...this.createdOrders.entries()]
      .filter(([d]) => d < day)
      .reduce((sum, [, list]) => sum + list.length, 0);
    const number =
      this.firstOrderNumberOn(Math.min(day, this.nowDay + 1)) + generatedToday + priorCreated + existing.length;
    const rng = streamFor(this.seed, 'control-order', day, index);

    let customer: StoreCustomer | null = null;
    if (input.customerLegacyId !== undefined) {
      customer = this.customer(input.customerLegacyId) ?? null;
      if (!customer)
        throw new InvalidStoreInputError(`customer ${input.customerLegacyId} does not exist`, 'customerId');
    } else if (!input.email) {
      const all = this.customers();
      customer = all.length > 0 ? all[rng.int(0, all.length - 1)]! : null;
    }
    const guestFirst = rng.pick(FIRST_NAMES);
    const guestLast = rng.pick(LAST_NAMES);
    const address = customer?.address ?? randomAddress(rng, guestFirst, guestLast).address;
    const email = input.email ?? customer?.email ?? `${guestFirst}.${guestLast}@example.net`.toLowerCase();

    const sellable = this.activeProducts().flatMap((p) =>
      p.productType === 'Gift Cards' ? [] : p.variants.map((v) => ({ product: p, variant: v })),
    );
    const items: { legacyId: number; product: StoreProduct; variant: StoreVariant; quantity: number }[] = [];
    const lineId = (k: number) => LINE_ITEM_ID_BASE + (day * this.dayStride + index) * 10 + k;
    let targetSubtotal: number | undefined;
    let shippingOverride: { title: string; cents: number } | undefined;

    if (input.lineItems && input.lineItems.length > 0) {
      if (input.lineItems.length > 10) throw new InvalidStoreInputError('at most 10 line items', 'lineItems');
      input.lineItems.forEach((line, k) => {
        const variant = this.variant(line.variantLegacyId);
        if (!variant)
          throw new InvalidStoreInputError(
            `variant ${line.variantLegacyId} does not exist`,
            `lineItems.${k}.variantId`,
          );
        if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > 100) {
          throw new InvalidStoreInputError('quantity must be an integer between 1 and 100', `lineItems.${k}.quantity`);
        }
        items.push({
          legacyId: lineId(k),
          product: this.product(variant.productLegacyId)!,
          variant,
          quantity: line.quantity,
        });
      });
    } else {
      const total = input.totalCents ?? rng.int(3000, 20000);
      if (!Number.isInteger(total) || total < 100 || total > 10_000_000) {
        throw new InvalidStoreInputError('total must be between 1.00 and 100000.00', 'total');
      }
      // Work back from the requested total: shipping, then tax, then a subtotal the items are discounted down to.
      shippingOverride =
        total >= SHIPPING_RATES.freeThresholdCents
          ? { ...SHIPPING_RATES.free }
          : total > 2 * SHIPPING_RATES.standard.cents
            ? { ...SHIPPING_RATES.standard }
            : { ...SHIPPING_RATES.free };
      const rate = taxRateOf(address);
      const subtotal = Math.max(1, Math.round((total - shippingOverride.cents) / (1 + rate)));
      targetSubtotal = subtotal;
      const byPrice = [...sellable].sort(
        (a, b) => b.variant.priceCents - a.variant.priceCents || a.variant.legacyId - b.variant.legacyId,
      );
      const cheapest = byPrice[byPrice.length - 1]!;
      let remaining = subtotal;
      while (items.length < 10 && remaining >= cheapest.variant.priceCents) {
        const candidates = byPrice.filter((c) => c.variant.priceCents <= remaining);
        const pick = candidates[rng.int(0, Math.min(candidates.length, 6) - 1)]!;
        const existing2 = items.find((i) => i.variant.legacyId === pick.variant.legacyId);
        if (existing2) existing2.quantity++;
        else items.push({ legacyId: lineId(items.length), product: pick.product, variant: pick.variant, quantity: 1 });
        remaining -= pick.variant.priceCents;
      }
      if (remaining > 0) {
        // Top up with one more item; the difference becomes a discount so the total lands exactly.
        const existing3 = items.find((i) => i.variant.legacyId === cheapest.variant.legacyId);
        if (existing3) existing3.quantity++;
        else
          items.push({
            legacyId: lineId(items.length),
            product: cheapest.product,
            variant: cheapest.variant,
            quantity: 1,
          });
      }
    }
    let order = this.priceOrder({
      legacyId: ORDER_ID_BASE + day * this.dayStride + index,
      number,
      createdAt,
      customer,
      email,
      address,
      items,
      discount: null,
      express: false,
      sourceName: 'web',
      note: input.note ?? null,
      token: rng.hex(32),
      tags: input.tags ?? ['sandbox'],
      ...(targetSubtotal !== undefined ? { targetSubtotalCents: targetSubtotal } : {}),
      ...(shippingOverride ? { shippingOverride } : {}),
    });
    if (input.totalCents !== undefined && targetSubtotal !== undefined && order.totalCents !== input.totalCents) {
      // Rounding of tax can leave a cent; fold it into tax so the total is exact.
      const diff = input.totalCents - order.totalCents;
      order = { ...order, taxCents: order.taxCents + diff, totalCents: input.totalCents };
    }
    const financialStatus = input.financialStatus ?? 'PAID';
    order =
      financialStatus === 'REFUNDED'
        ? { ...order, financialStatus, refundedCents: order.totalCents, refund: fullRefund(order, createdAt) }
        : { ...order, financialStatus, refundedCents: 0, refund: null };
    this.createdOrders.set(day, [...existing, order]);
    this.visibleOrdersCache = null;
    if (this.statsCache) this.addToStats(this.statsCache, order);
    return order;
  }
}

/**
 * Generates the Shopify dev store for a seed and a clock.
 *
 * @example
 * const store = generateStore(42, '2026-02-01');
 * store.orders().length; // ~20 000 orders over the year before 2026-02-01
 */
export function generateStore(seed: number, now: Date | string, options: StoreOptions = {}): ShopifyStore {
  const date = now instanceof Date ? now : new Date(now);
  if (Number.isNaN(date.getTime())) throw new TypeError(`Invalid now: ${String(now)}`);
  return new ShopifyStore(seed, date, options);
}

export const SHOPIFY_IDS = { ORDER_ID_BASE, CUSTOMER_ID_BASE, PRODUCT_ID_BASE, VARIANT_ID_BASE, LINE_ITEM_ID_BASE };
