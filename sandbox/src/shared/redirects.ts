/**
 * Registered OAuth redirect URIs, as the real services enforce them: an authorize request whose `redirect_uri` is
 * not registered for the app is refused with an error page and never redirected anywhere.
 *
 * - Shopify: the app's allowed redirection URLs (`[auth] redirect_urls` in shopify.app.toml,
 *   https://shopify.dev/docs/apps/build/cli-for-apps/app-configuration); anything else fails with
 *   "Oauth error invalid_request: The redirect_uri is not whitelisted".
 * - TikTok: the redirect URIs registered in the app's Login Kit configuration (at most 10, absolute, no query or
 *   fragment; https://developers.tiktok.com/doc/login-kit-web). For desktop apps a loopback URI may register the
 *   port as `*` (https://developers.tiktok.com/doc/login-kit-desktop/), which this matcher honours.
 */
export function isRegisteredRedirect(uri: string, registered: readonly string[]): boolean {
  let candidate: URL;
  try {
    candidate = new URL(uri);
  } catch {
    return false;
  }
  if (candidate.protocol !== 'http:' && candidate.protocol !== 'https:') return false;
  if (candidate.username || candidate.password || candidate.hash) return false;
  for (const entry of registered) {
    const wildcardPort = /^(https?:\/\/(?:localhost|127\.0\.0\.1)):\*(\/.*)$/.exec(entry);
    if (wildcardPort) {
      const base = new URL(`${wildcardPort[1]}${wildcardPort[2]}`);
      const sameButPort =
        candidate.protocol === base.protocol &&
        candidate.hostname === base.hostname &&
        candidate.pathname === base.pathname &&
        candidate.search === '';
      if (sameButPort) return true;
      continue;
    }
    try {
      if (new URL(entry).href === candidate.href) return true;
    } catch {
      // A malformed registration matches nothing.
    }
  }
  return false;
}
