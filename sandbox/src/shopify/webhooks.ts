/**
 * Shopify webhooks: the REST payload shape, signing exactly as Shopify signs, subscriptions, and loopback delivery.
 *
 * - Signature: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw request body keyed with the app's client
 *   secret (https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook).
 * - Headers: X-Shopify-Topic, X-Shopify-Hmac-Sha256, X-Shopify-Shop-Domain, X-Shopify-API-Version,
 *   X-Shopify-Webhook-Id, X-Shopify-Event-Id, X-Shopify-Triggered-At
 *   (https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-1-review-the-headers-and-body).
 * - Payload: the REST Admin API Order resource in snake_case with money as strings
 *   (https://shopify.dev/docs/api/admin-rest/2025-10/resources/order and the orders/create example payload in
 *   https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-orders/create).
 *
 * The sandbox only ever delivers to loopback addresses.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { gid, moneyString } from './format';
import type { Address, CustomerStats, ShopifyStore, StoreCustomer, StoreOrder } from './store';
import { isoWithOffset } from '../shared/dates';

/** Base64 HMAC-SHA256 of the raw body, as Shopify puts in `X-Shopify-Hmac-Sha256`. */
export function signShopifyWebhook(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/**
 * Verifies a webhook signature in constant time. `rawBody` must be the exact bytes received (not re-serialized JSON).
 *
 * @example
 * app.post('/webhooks', express.raw({ type: '*\/*' }), (req, res) => {
 *   if (!verifyShopifyWebhook(req.body, req.get('X-Shopify-Hmac-Sha256'), secret)) return res.sendStatus(401);
 * });
 */
export function verifyShopifyWebhook(
  rawBody: string | Buffer,
  hmacHeader: string | null | undefined,
  secret: string,
): boolean {
  if (!hmacHeader) return false;
  const expected = Buffer.from(signShopifyWebhook(rawBody, secret), 'base64');
  let given: Buffer;
  try {
    given = Buffer.from(hmacHeader, 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// ---------------------------------------------------------------------------------------------------------------------
// REST payload

function priceSet(cents: number, currency = 'USD') {
  return {
    shop_money: { amount: moneyString(cents), currency_code: currency },
    presentment_money: { amount: moneyString(cents), currency_code: currency },
  };
}

function restAddress(address: Address | null) {
  if (!address) return null;
  return {
    first_name: address.firstName,
    address1: address.address1,
    phone: address.phone,
    city: address.city,
    zip: address.zip,
    province: address.province,
    country: address.country,
    last_name: address.lastName,
    address2: address.address2,
    company: address.company,
    latitude: null,
    longitude: null,
    name: `${address.firstName} ${address.lastName}`,
    country_code: address.countryCode,
    province_code: address.provinceCode,
  };
}

const FINANCIAL_REST: Record<StoreOrder['financialStatus'], string> = {
  AUTHORIZED: 'authorized',
  PAID: 'paid',
  PARTIALLY_PAID: 'partially_paid',
  PARTIALLY_REFUNDED: 'partially_refunded',
  PENDING: 'pending',
  REFUNDED: 'refunded',
  VOIDED: 'voided',
  EXPIRED: 'expired',
};

const FULFILLMENT_REST: Record<StoreOrder['fulfillmentStatus'], string | null> = {
  FULFILLED: 'fulfilled',
  PARTIALLY_FULFILLED: 'partial',
  UNFULFILLED: null,
};

export interface OrderWebhookContext {
  customer?: StoreCustomer | null;
  customerStats?: CustomerStats;
  shopDomain?: string;
}

/**
 * Converts a store order to the REST webhook payload (`orders/create`, `orders/updated`, ...).
 *
 * @example
 * const body = JSON.stringify(toShopifyOrderWebhook(order, { customer: store.customer(order.customerLegacyId!) }));
 */
export function toShopifyOrderWebhook(order: StoreOrder, context: OrderWebhookContext = {}) {
  const shopDomain = context.shopDomain ?? 'ionflux-demo.myshopify.com';
  const customer = context.customer ?? null;
  const currentTotal = order.totalCents - order.refundedCents;
  const taxTitle =
    order.shippingAddress?.countryCode === 'GB'
      ? 'VAT'
      : order.shippingAddress?.countryCode === 'CA'
        ? 'HST'
        : 'State Tax';
  const taxLines =
    order.taxCents > 0
      ? [
          {
            price: moneyString(order.taxCents),
            rate: order.taxRate,
            title: taxTitle,
            price_set: priceSet(order.taxCents),
            channel_liable: false,
          },
        ]
      : [];
  const discountType = (code: string) =>
    code === 'TAKE5' ? 'fixed_amount' : code === 'FREESHIP' ? 'shipping' : 'percentage';
  return {
    id: order.legacyId,
    admin_graphql_api_id: gid('Order', order.legacyId),
    app_id: 580111,
    browser_ip: null,
    buyer_accepts_marketing: customer?.acceptsMarketing ?? false,
    cancel_reason: order.cancelReason ? order.cancelReason.toLowerCase() : null,
    cancelled_at: order.cancelledAt ? isoWithOffset(order.cancelledAt) : null,
    cart_token: null,
    checkout_id: null,
    checkout_token: null,
    closed_at: order.closedAt ? isoWithOffset(order.closedAt) : null,
    confirmation_number: order.token.slice(0, 9).toUpperCase(),
    confirmed: true,
    contact_email: order.email,
    created_at: isoWithOffset(order.createdAt),
    currency: 'USD',
    current_subtotal_price: moneyString(order.subtotalCents),
    current_subtotal_price_set: priceSet(order.subtotalCents),
    current_total_discounts: moneyString(order.discountCents),
    current_total_discounts_set: priceSet(order.discountCents),
    current_total_price: moneyString(currentTotal),
    current_total_price_set: priceSet(currentTotal),
    current_total_tax: moneyString(order.taxCents),
    current_total_tax_set: priceSet(order.taxCents),
    customer_locale: 'en',
    discount_codes: order.discountCodes.map((code) => ({
      code,
      amount: moneyString(order.discountCents),
      type: discountType(code),
    })),
    email: order.email,
    estimated_taxes: false,
    financial_status: FINANCIAL_REST[order.financialStatus],
    fulfillment_status: FULFILLMENT_REST[order.fulfillmentStatus],
    landing_site: null,
    name: order.name,
    note: order.note,
    note_attributes: [],
    number: order.number - 1000,
    order_number: order.number,
    order_status_url: `https://${shopDomain}/${order.legacyId}/orders/${order.token}/authenticate?key=${order.token.slice(0, 16)}`,
    payment_gateway_names: order.financialStatus === 'PENDING' ? ['manual'] : ['shopify_payments'],
    phone: order.phone,
    presentment_currency: 'USD',
    processed_at: isoWithOffset(order.processedAt),
    reference: null,
    referring_site: null,
    source_name: order.sourceName,
    subtotal_price: moneyString(order.subtotalCents),
    subtotal_price_set: priceSet(order.subtotalCents),
    tags: order.tags.join(', '),
    tax_exempt: false,
    tax_lines: taxLines,
    taxes_included: false,
    test: order.test,
    token: order.token,
    total_discounts: moneyString(order.discountCents),
    total_discounts_set: priceSet(order.discountCents),
    total_line_items_price: moneyString(order.lineItemsSubtotalCents),
    total_line_items_price_set: priceSet(order.lineItemsSubtotalCents),
    total_outstanding: moneyString(
      order.financialStatus === 'PENDING' || order.financialStatus === 'AUTHORIZED' ? order.totalCents : 0,
    ),
    total_price: moneyString(order.totalCents),
    total_price_set: priceSet(order.totalCents),
    total_shipping_price_set: priceSet(order.shippingCents),
    total_tax: moneyString(order.taxCents),
    total_tax_set: priceSet(order.taxCents),
    total_tip_received: '0.00',
    total_weight: order.lineItems.reduce((sum, l) => sum + l.grams * l.quantity, 0),
    updated_at: isoWithOffset(order.updatedAt),
    user_id: null,
    billing_address: restAddress(order.billingAddress),
    customer: customer
      ? {
          id: customer.legacyId,
          email: customer.email,
          created_at: isoWithOffset(customer.createdAt),
          updated_at: isoWithOffset(
            order.createdAt.getTime() > customer.createdAt.getTime() ? order.createdAt : customer.createdAt,
          ),
          first_name: customer.firstName,
          last_name: customer.lastName,
          state: 'enabled',
          note: null,
          verified_email: true,
          multipass_identifier: null,
          tax_exempt: false,
          phone: customer.phone,
          currency: 'USD',
          tax_exemptions: [],
          admin_graphql_api_id: gid('Customer', customer.legacyId),
          default_address: {
            id: customer.legacyId + 1,
            customer_id: customer.legacyId,
            ...restAddress(customer.address),
            default: true,
          },
        }
      : null,
    discount_applications: order.discountCodes.map((code) => ({
      target_type: code === 'FREESHIP' ? 'shipping_line' : 'line_item',
      type: 'discount_code',
      value: moneyString(order.discountCents),
      value_type: discountType(code) === 'percentage' ? 'percentage' : 'fixed_amount',
      allocation_method: 'across',
      target_selection: 'all',
      code,
    })),
    fulfillments: [],
    line_items: order.lineItems.map((line) => ({
      id: line.legacyId,
      admin_graphql_api_id: gid('LineItem', line.legacyId),
      current_quantity: line.quantity,
      fulfillable_quantity: order.cancelledAt ? 0 : line.quantity - line.fulfilledQuantity,
      fulfillment_service: 'manual',
      fulfillment_status: line.fulfilledQuantity === line.quantity ? 'fulfilled' : null,
      gift_card: !line.requiresShipping,
      grams: line.grams,
      name: `${line.title} - ${line.variantTitle}`,
      price: moneyString(line.unitPriceCents),
      price_set: priceSet(line.unitPriceCents),
      product_exists: true,
      product_id: line.productLegacyId,
      properties: [],
      quantity: line.quantity,
      requires_shipping: line.requiresShipping,
      sku: line.sku,
      taxable: line.taxable,
      title: line.title,
      total_discount: '0.00',
      total_discount_set: priceSet(0),
      variant_id: line.variantLegacyId,
      variant_inventory_management: 'shopify',
      variant_title: line.variantTitle,
      vendor: line.vendor,
      tax_lines:
        line.taxable && order.taxRate > 0
          ? [
              {
                price: moneyString(
                  Math.round((line.unitPriceCents * line.quantity - line.discountCents) * order.taxRate),
                ),
                rate: order.taxRate,
                title: taxTitle,
                price_set: priceSet(
                  Math.round((line.unitPriceCents * line.quantity - line.discountCents) * order.taxRate),
                ),
                channel_liable: false,
              },
            ]
          : [],
      duties: [],
      discount_allocations:
        line.discountCents > 0
          ? [
              {
                amount: moneyString(line.discountCents),
                amount_set: priceSet(line.discountCents),
                discount_application_index: 0,
              },
            ]
          : [],
    })),
    payment_terms: null,
    refunds: [],
    shipping_address: restAddress(order.shippingAddress),
    shipping_lines: order.shippingAddress
      ? [
          {
            id: order.legacyId + 7,
            carrier_identifier: null,
            code: order.shippingTitle,
            discounted_price: moneyString(order.shippingCents),
            discounted_price_set: priceSet(order.shippingCents),
            phone: null,
            price: moneyString(order.shippingCents),
            price_set: priceSet(order.shippingCents),
            requested_fulfillment_service_id: null,
            source: 'shopify',
            title: order.shippingTitle,
            tax_lines: [],
            discount_allocations: [],
          },
        ]
      : [],
  };
}

export type ShopifyOrderWebhookPayload = ReturnType<typeof toShopifyOrderWebhook>;

// ---------------------------------------------------------------------------------------------------------------------
// Subscriptions

export const ORDER_TOPICS: Record<string, string> = {
  ORDERS_CREATE: 'orders/create',
  ORDERS_UPDATED: 'orders/updated',
  ORDERS_PAID: 'orders/paid',
  ORDERS_CANCELLED: 'orders/cancelled',
  ORDERS_FULFILLED: 'orders/fulfilled',
  ORDERS_PARTIALLY_FULFILLED: 'orders/partially_fulfilled',
  ORDERS_DELETE: 'orders/delete',
  PRODUCTS_CREATE: 'products/create',
  PRODUCTS_UPDATE: 'products/update',
  CUSTOMERS_CREATE: 'customers/create',
  CUSTOMERS_UPDATE: 'customers/update',
  APP_UNINSTALLED: 'app/uninstalled',
};

export function topicToRest(topic: string): string | undefined {
  return ORDER_TOPICS[topic];
}

export function topicFromRest(topic: string): string | undefined {
  return Object.entries(ORDER_TOPICS).find(([, rest]) => rest === topic)?.[0];
}

/** Whether `address` is an http(s) URL on this machine (127.0.0.0/8, ::1 or localhost). */
export function isLoopbackUrl(address: string): boolean {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export interface WebhookSubscriptionRecord {
  legacyId: number;
  topic: string;
  uri: string;
  format: 'JSON' | 'XML';
  includeFields: string[];
  filter: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export class WebhookRegistry {
  private readonly subscriptions: WebhookSubscriptionRecord[] = [];
  private nextId = 1_300_000_000_001;

  list(): WebhookSubscriptionRecord[] {
    return [...this.subscriptions];
  }

  get(legacyId: number): WebhookSubscriptionRecord | undefined {
    return this.subscriptions.find((s) => s.legacyId === legacyId);
  }

  create(input: {
    topic: string;
    uri: string;
    format: 'JSON' | 'XML';
    includeFields: string[];
    filter: string | null;
    now: Date;
  }):
    | { subscription: WebhookSubscriptionRecord; userErrors: [] }
    | { subscription: null; userErrors: { field: string[]; message: string }[] } {
    if (!isLoopbackUrl(input.uri)) {
      return {
        subscription: null,
        userErrors: [
          {
            field: ['webhookSubscription', 'uri'],
            message:
              'Address is invalid: the sandbox only delivers to http(s) loopback addresses (127.0.0.1, ::1, localhost).',
          },
        ],
      };
    }
    if (input.format !== 'JSON') {
      return {
        subscription: null,
        userErrors: [
          { field: ['webhookSubscription', 'format'], message: 'Format is not supported by the sandbox; use JSON.' },
        ],
      };
    }
    if (this.subscriptions.some((s) => s.topic === input.topic && s.uri === input.uri)) {
      return {
        subscription: null,
        userErrors: [
          { field: ['webhookSubscription', 'uri'], message: 'Address for this topic has already been taken' },
        ],
      };
    }
    const subscription: WebhookSubscriptionRecord = {
      legacyId: this.nextId++,
      topic: input.topic,
      uri: input.uri,
      format: input.format,
      includeFields: input.includeFields,
      filter: input.filter,
      createdAt: input.now,
      updatedAt: input.now,
    };
    this.subscriptions.push(subscription);
    return { subscription, userErrors: [] };
  }

  delete(legacyId: number): boolean {
    const index = this.subscriptions.findIndex((s) => s.legacyId === legacyId);
    if (index === -1) return false;
    this.subscriptions.splice(index, 1);
    return true;
  }

  forTopic(graphqlTopic: string): WebhookSubscriptionRecord[] {
    return this.subscriptions.filter((s) => s.topic === graphqlTopic);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Delivery

export interface DeliveryResult {
  address: string;
  topic: string;
  delivered: boolean;
  status: number | null;
  webhookId: string;
  eventId: string;
  triggeredAt: string;
  durationMs: number;
  /** Why it was not delivered (network error, timeout); never the target's response body. */
  error: string | null;
}

export interface DeliverOptions {
  address: string;
  topic: string;
  payload: unknown;
  secret: string;
  shopDomain: string;
  apiVersion: string;
  fetch: typeof fetch;
  timeoutMs?: number;
}

/** POSTs a signed webhook to a loopback address and reports what happened, without the reply's body (never throws). */
export async function deliverWebhook(options: DeliverOptions): Promise<DeliveryResult> {
  const webhookId = randomUUID();
  const eventId = randomUUID();
  const triggeredAt = new Date().toISOString();
  const started = Date.now();
  const base = { address: options.address, topic: options.topic, webhookId, eventId, triggeredAt };
  if (!isLoopbackUrl(options.address)) {
    return {
      ...base,
      delivered: false,
      status: null,
      durationMs: 0,
      error: 'address must be an http(s) loopback URL (127.0.0.1, ::1 or localhost)',
    };
  }
  const body = JSON.stringify(options.payload);
  try {
    const response = await options.fetch(options.address, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Shopify-Captain-Hook',
        'X-Shopify-Topic': options.topic,
        'X-Shopify-Hmac-Sha256': signShopifyWebhook(body, options.secret),
        'X-Shopify-Shop-Domain': options.shopDomain,
        'X-Shopify-API-Version': options.apiVersion,
        'X-Shopify-Webhook-Id': webhookId,
        'X-Shopify-Event-Id': eventId,
        'X-Shopify-Triggered-At': triggeredAt,
      },
      body,
    });
    // The body is drained and dropped: reporting it would let the sandbox read whatever answers at the address.
    await response.body?.cancel().catch(() => undefined);
    return {
      ...base,
      delivered: response.status >= 200 && response.status < 300,
      status: response.status,
      durationMs: Date.now() - started,
      error: null,
    };
  } catch (error) {
    return {
      ...base,
      delivered: false,
      status: null,
      durationMs: Date.now() - started,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** The REST payload of an order with its customer, as the store knows it. */
export function orderPayload(store: ShopifyStore, order: StoreOrder, includeFields: string[] = []) {
  const customer = order.customerLegacyId !== null ? (store.customer(order.customerLegacyId) ?? null) : null;
  const payload = toShopifyOrderWebhook(order, { customer, shopDomain: store.shop.myshopifyDomain });
  if (includeFields.length === 0) return payload;
  return Object.fromEntries(Object.entries(payload).filter(([key]) => includeFields.includes(key)));
}
