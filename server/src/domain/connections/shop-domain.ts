/**
 * A shop domain as Shopify names stores: `<name>.myshopify.com` (lower case, letters, digits and hyphens). Anything
 * else (another host, a path, a port, a custom domain) is refused, so the server never sends a token or a code to a
 * host that is not a Shopify store. Same rule as `sanitizeShop` in @shopify/shopify-api.
 *
 * @example sanitizeShopDomain('My-Store.myshopify.com') // 'my-store.myshopify.com'
 * @example sanitizeShopDomain('evil.example.com') // null
 */
export function sanitizeShopDomain(value: string | undefined | null): string | null {
  if (typeof value !== 'string') return null;
  const shop = value.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop) && shop.length <= 255 ? shop : null;
}
