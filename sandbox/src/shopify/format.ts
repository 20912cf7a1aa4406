/** Shopify's wire formats: global ids, money strings, dates. */
import { GraphQLError } from 'graphql';

export type ShopifyResource =
  | 'Order'
  | 'Product'
  | 'ProductVariant'
  | 'Customer'
  | 'LineItem'
  | 'Shop'
  | 'WebhookSubscription'
  | 'MailingAddress'
  | 'Refund'
  | 'RefundLineItem'
  | 'RefundShippingLine'
  | 'AppInstallation'
  | 'BulkOperation';

export function gid(resource: ShopifyResource, legacyId: number | string): string {
  return `gid://shopify/${resource}/${legacyId}`;
}

/** Parses `gid://shopify/Order/123`; returns null when the id is not a Shopify global id. */
export function parseGid(id: string): { resource: string; legacyId: number } | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(id);
  if (!match) return null;
  const legacyId = Number(match[2]);
  return Number.isSafeInteger(legacyId) ? { resource: match[1]!, legacyId } : null;
}

/** Like Shopify, a malformed global id is an argument error rather than a null result. */
export function requireGid(id: string, expected?: ShopifyResource): { resource: string; legacyId: number } {
  const parsed = parseGid(id);
  if (!parsed) {
    throw new GraphQLError(`Invalid global id '${id}'`, {
      extensions: { code: 'argumentLiteralsIncompatible', typeName: 'CoercionError' },
    });
  }
  if (expected && parsed.resource !== expected) return { resource: parsed.resource, legacyId: -1 };
  return parsed;
}

/** `Decimal` scalar as Shopify prints it: minimal decimals, at least one (`150.0`, `24.99`, `24.9`). */
export function decimalString(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const frac = abs % 100;
  if (frac === 0) return `${sign}${whole}.0`;
  const digits = String(frac).padStart(2, '0').replace(/0$/, '');
  return `${sign}${whole}.${digits}`;
}

/** `Money` scalar and REST money fields: always two decimals (`150.00`). */
export function moneyString(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Parses a money amount given as a number or a decimal string into cents; null when invalid. */
export function parseMoney(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 100) : null;
  if (typeof value === 'string' && /^\s*\d+(\.\d{1,2})?\s*$/.test(value)) return Math.round(Number(value) * 100);
  return null;
}

export interface MoneyV2 {
  amount: string;
  currencyCode: string;
}

export function moneyV2(cents: number, currencyCode = 'USD'): MoneyV2 {
  return { amount: decimalString(cents), currencyCode };
}

export function moneyBag(cents: number, currencyCode = 'USD'): { shopMoney: MoneyV2; presentmentMoney: MoneyV2 } {
  return { shopMoney: moneyV2(cents, currencyCode), presentmentMoney: moneyV2(cents, currencyCode) };
}
