/**
 * The GraphQL selections the Shopify operations read and their normalization into the IONFLUX catalog shapes
 * (`shopifyOrder`, `shopifyProduct`, customers): money as numbers in the shop currency, statuses in lower case
 * (`paid`, `partially_refunded`, `active`), ids as Shopify global ids plus the numeric legacy id for orders.
 *
 * Each selection's calculated cost per node is written next to it: page sizes are chosen so that a page's
 * requested cost stays under Shopify's single-query limit (1000 points).
 */
import type { IDataObject } from 'n8n-workflow';

export interface MoneyBag {
  shopMoney: { amount: string; currencyCode?: string };
}

/** Money as integer cents (exact sums), from Shopify's decimal strings. */
export function cents(bag: MoneyBag | null | undefined): number {
  if (!bag) return 0;
  const amount = bag.shopMoney.amount;
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) return Math.round(Number(amount) * 100);
  const fraction = (match[3] ?? '').padEnd(2, '0');
  const whole =
    Number(match[2]) * 100 + Number(fraction.slice(0, 2)) + (fraction.length > 2 && Number(fraction[2]) >= 5 ? 1 : 0);
  return match[1] === '-' ? -whole : whole;
}

export const toAmount = (c: number): number => Math.round(c) / 100;

const lower = (value: string | null | undefined): string | null => (value ? value.toLowerCase() : null);

// ---------------------------------------------------------------------------------------------------------------
// Orders

/** Line items fetched with each order; orders with more get the rest with ORDER_LINE_ITEMS_QUERY. */
export const LINE_ITEMS_PER_ORDER = 10;

const LINE_ITEM_FIELDS =
  'title quantity sku originalUnitPriceSet { shopMoney { amount } } variant { id } product { id }';

/** Cost per order: 1 + 5 money bags x 2 + customer 2 + lineItems (2 + 10 x 5) = 65. */
export const ORDER_FIELDS = `
  id legacyResourceId name createdAt cancelledAt displayFinancialStatus displayFulfillmentStatus currencyCode email tags
  totalPriceSet { shopMoney { amount currencyCode } }
  subtotalPriceSet { shopMoney { amount } }
  totalTaxSet { shopMoney { amount } }
  totalDiscountsSet { shopMoney { amount } }
  totalRefundedSet { shopMoney { amount } }
  customer { id firstName lastName defaultEmailAddress { emailAddress } }
  lineItems(first: ${LINE_ITEMS_PER_ORDER}) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } }`;
export const ORDER_NODE_COST = 65;

export const ORDERS_QUERY = `query IonfluxOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT, reverse: true) {
    nodes { ${ORDER_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const ORDER_QUERY = `query IonfluxOrder($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;

export const ORDER_LINE_ITEMS_QUERY = `query IonfluxOrderLineItems($id: ID!, $first: Int!, $after: String) {
  order(id: $id) { lineItems(first: $first, after: $after) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } } }
}`;

export interface GraphqlLineItem {
  title: string;
  quantity: number;
  sku: string | null;
  originalUnitPriceSet: MoneyBag;
  variant: { id: string } | null;
  product: { id: string } | null;
}

export interface GraphqlOrder {
  id: string;
  legacyResourceId: string;
  name: string;
  createdAt: string;
  cancelledAt: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string | null;
  currencyCode: string;
  email: string | null;
  tags: string[];
  totalPriceSet: MoneyBag;
  subtotalPriceSet: MoneyBag | null;
  totalTaxSet: MoneyBag | null;
  totalDiscountsSet: MoneyBag | null;
  totalRefundedSet: MoneyBag;
  customer: {
    id: string;
    firstName: string | null;
    lastName: string | null;
    defaultEmailAddress: { emailAddress: string } | null;
  } | null;
  lineItems: { nodes: GraphqlLineItem[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export function normalizeOrder(order: GraphqlOrder): IDataObject {
  return {
    id: order.id,
    legacyId: order.legacyResourceId,
    name: order.name,
    createdAt: order.createdAt,
    totalPrice: toAmount(cents(order.totalPriceSet)),
    subtotalPrice: toAmount(cents(order.subtotalPriceSet)),
    totalTax: toAmount(cents(order.totalTaxSet)),
    totalDiscounts: toAmount(cents(order.totalDiscountsSet)),
    totalRefunded: toAmount(cents(order.totalRefundedSet)),
    currency: order.totalPriceSet.shopMoney.currencyCode ?? order.currencyCode,
    financialStatus: lower(order.displayFinancialStatus),
    fulfillmentStatus: lower(order.displayFulfillmentStatus),
    cancelled: order.cancelledAt !== null,
    email: order.email,
    customer: order.customer
      ? {
          id: order.customer.id,
          email: order.customer.defaultEmailAddress?.emailAddress ?? null,
          firstName: order.customer.firstName,
          lastName: order.customer.lastName,
        }
      : null,
    lineItems: order.lineItems.nodes.map((line) => ({
      title: line.title,
      quantity: line.quantity,
      sku: line.sku || null,
      unitPrice: toAmount(cents(line.originalUnitPriceSet)),
      productId: line.product?.id ?? null,
      variantId: line.variant?.id ?? null,
    })),
    tags: order.tags,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Products

export const VARIANTS_PER_PRODUCT = 10;
const VARIANT_FIELDS = 'id title sku price inventoryQuantity';

/** Cost per product: 1 + priceRangeV2 2 + variants (2 + 10 x 1) = 15. */
export const PRODUCT_FIELDS = `
  id title handle vendor productType status totalInventory tracksInventory
  priceRangeV2 { minVariantPrice { amount currencyCode } }
  variants(first: ${VARIANTS_PER_PRODUCT}) { nodes { ${VARIANT_FIELDS} } pageInfo { hasNextPage endCursor } }`;
export const PRODUCT_NODE_COST = 15;

export const PRODUCTS_QUERY = `query IonfluxProducts($first: Int!, $after: String, $query: String, $sortKey: ProductSortKeys, $reverse: Boolean) {
  products(first: $first, after: $after, query: $query, sortKey: $sortKey, reverse: $reverse) {
    nodes { ${PRODUCT_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const PRODUCT_QUERY = `query IonfluxProduct($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;

export const PRODUCT_VARIANTS_QUERY = `query IonfluxProductVariants($id: ID!, $first: Int!, $after: String) {
  product(id: $id) { variants(first: $first, after: $after) { nodes { ${VARIANT_FIELDS} } pageInfo { hasNextPage endCursor } } }
}`;

export interface GraphqlVariant {
  id: string;
  title: string;
  sku: string | null;
  price: string;
  inventoryQuantity: number | null;
}

export interface GraphqlProduct {
  id: string;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  status: string;
  totalInventory: number;
  tracksInventory: boolean;
  priceRangeV2: { minVariantPrice: { amount: string; currencyCode: string } };
  variants: { nodes: GraphqlVariant[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** The catalog's `shopifyProduct`; `price` is the lowest variant price. */
export function normalizeProduct(product: GraphqlProduct): IDataObject {
  return {
    id: product.id,
    title: product.title,
    handle: product.handle,
    vendor: product.vendor,
    productType: product.productType,
    status: product.status.toLowerCase(),
    totalInventory: product.totalInventory,
    price: toAmount(cents({ shopMoney: product.priceRangeV2.minVariantPrice })),
    variants: product.variants.nodes.map((v) => ({
      id: v.id,
      title: v.title,
      sku: v.sku || null,
      price: toAmount(cents({ shopMoney: { amount: v.price } })),
      inventoryQuantity: v.inventoryQuantity,
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Customers

/** Cost per customer: 1 + amountSpent 1 + defaultEmailAddress 1 = 3. */
export const CUSTOMER_NODE_COST = 3;

export const CUSTOMERS_QUERY = `query IonfluxCustomers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: ID) {
    nodes { id firstName lastName createdAt numberOfOrders amountSpent { amount currencyCode } defaultEmailAddress { emailAddress } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export interface GraphqlCustomer {
  id: string;
  firstName: string | null;
  lastName: string | null;
  createdAt: string;
  numberOfOrders: string;
  amountSpent: { amount: string; currencyCode: string };
  defaultEmailAddress: { emailAddress: string } | null;
}

export function normalizeCustomer(customer: GraphqlCustomer): IDataObject {
  return {
    id: customer.id,
    firstName: customer.firstName,
    lastName: customer.lastName,
    email: customer.defaultEmailAddress?.emailAddress ?? null,
    numberOfOrders: Number(customer.numberOfOrders),
    amountSpent: toAmount(cents({ shopMoney: customer.amountSpent })),
    createdAt: customer.createdAt,
  };
}

// ---------------------------------------------------------------------------------------------------------------

export const SHOP_QUERY = 'query IonfluxShop { shop { ianaTimezone currencyCode myshopifyDomain } }';

export interface GraphqlShop {
  ianaTimezone: string;
  currencyCode: string;
  myshopifyDomain: string;
}

/** The largest page whose requested cost stays within Shopify's single-query limit. */
export function pageSizeFor(nodeCost: number, maxCost = 1000): number {
  return Math.max(1, Math.min(250, Math.floor((maxCost - 2) / nodeCost)));
}
