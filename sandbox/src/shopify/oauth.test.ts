import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { SANDBOX_CREDENTIALS } from '../credentials';
import { startSandboxServer } from '../server';
import type { SandboxServer } from '../server';
import { signShopifyQuery, verifyShopifyQuery } from './oauth';

const { clientId, clientSecret } = SANDBOX_CREDENTIALS.shopify;
let clock = Date.parse('2026-02-01T12:00:00Z');
let sandbox: SandboxServer;

beforeAll(async () => {
  sandbox = await startSandboxServer({ seed: 42, now: '2026-02-01', clock: () => clock });
});
afterAll(async () => {
  await sandbox.close();
});

/** An implementation of Shopify's documented check written independently of the emulator's code. */
function independentHmac(query: URLSearchParams, secret: string): string {
  const pairs = [...query.entries()].filter(([k]) => k !== 'hmac').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const message = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return createHmac('sha256', secret).update(message).digest('hex');
}

async function authorize(params: Record<string, string>) {
  const url = new URL(`${sandbox.url}/sandbox/shopify/admin/oauth/authorize`);
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  return fetch(url, { redirect: 'manual' });
}

async function exchange(body: Record<string, string>, form = false) {
  return fetch(`${sandbox.url}/sandbox/shopify/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
}

describe('Shopify OAuth (authorization code grant)', () => {
  it('signs queries like Shopify: the documented example verifies', () => {
    // From Shopify's OAuth verification docs / libraries: secret "hush".
    const params = {
      code: '0907a61c0c8d55e99db179b68161bc00',
      shop: 'some-shop.myshopify.com',
      state: '0.6784241404160823',
      timestamp: '1337178173',
    };
    expect(signShopifyQuery(params, 'hush')).toBe('700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf');
    expect(
      verifyShopifyQuery(
        { ...params, hmac: '700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf' },
        'hush',
      ),
    ).toBe(true);
    expect(
      verifyShopifyQuery(
        { ...params, state: 'x', hmac: '700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf' },
        'hush',
      ),
    ).toBe(false);
  });

  it('redirects with code, hmac, host, shop, state and timestamp; the hmac verifies independently', async () => {
    const response = await authorize({
      client_id: clientId,
      scope: 'read_orders,read_products',
      redirect_uri: 'http://127.0.0.1:5678/callback',
      state: 'nonce 123/+=',
      'grant_options[]': 'per-user',
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:5678/callback');
    const q = location.searchParams;
    expect([...q.keys()].sort()).toEqual(['code', 'hmac', 'host', 'shop', 'state', 'timestamp']);
    expect(q.get('shop')).toBe('ionflux-demo.myshopify.com');
    expect(q.get('state')).toBe('nonce 123/+=');
    expect(q.get('timestamp')).toBe(String(Math.floor(clock / 1000)));
    expect(Buffer.from(q.get('host')!, 'base64').toString()).toBe('admin.shopify.com/store/ionflux-demo');
    expect(q.get('hmac')).toBe(independentHmac(q, clientSecret));
    expect(independentHmac(q, 'another-secret')).not.toBe(q.get('hmac'));
  });

  it('exchanges the code once for a token that the Admin API accepts', async () => {
    const redirect = await authorize({
      client_id: clientId,
      scope: 'read_orders',
      redirect_uri: 'http://127.0.0.1:5678/callback',
      state: 's',
    });
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    const granted = await exchange({ client_id: clientId, client_secret: clientSecret, code }, true);
    expect(granted.status).toBe(200);
    const token = (await granted.json()) as { access_token: string; scope: string };
    expect(token.access_token).toMatch(/^shpat_[0-9a-f]{32}$/);
    expect(token.scope).toBe('read_orders');
    const api = await fetch(`${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token.access_token },
      body: '{"query":"{ shop { name } }"}',
    });
    expect(api.status).toBe(200);
    const reused = await exchange({ client_id: clientId, client_secret: clientSecret, code });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The authorization code was not found or was already used',
    });
  });

  it('returns online tokens with associated_user for per-user grants', async () => {
    const redirect = await authorize({
      client_id: clientId,
      scope: 'read_orders',
      redirect_uri: 'http://127.0.0.1:5678/callback',
      'grant_options[]': 'per-user',
    });
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    const body = (await (await exchange({ client_id: clientId, client_secret: clientSecret, code })).json()) as Record<
      string,
      unknown
    >;
    expect(body).toMatchObject({ scope: 'read_orders', expires_in: 86399, associated_user_scope: 'read_orders' });
    expect(body.associated_user).toMatchObject({ email: expect.any(String), account_owner: true });
  });

  it('issues expiring offline tokens with a rotating refresh token (expiring=1, grant_type=refresh_token)', async () => {
    const redirect = await authorize({
      client_id: clientId,
      scope: 'read_orders',
      redirect_uri: 'http://127.0.0.1:5678/callback',
    });
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    const first = (await (
      await exchange({ client_id: clientId, client_secret: clientSecret, code, expiring: '1' })
    ).json()) as Record<string, unknown>;
    expect(first).toMatchObject({ scope: 'read_orders', expires_in: 3600, refresh_token_expires_in: 7776000 });
    expect(first.refresh_token).toMatch(/^shprt_[0-9a-f]{32}$/);
    const shopName = async (token: unknown) =>
      (
        await fetch(`${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': String(token) },
          body: '{"query":"{ shop { name } }"}',
        })
      ).status;
    expect(await shopName(first.access_token)).toBe(200);
    clock += 3_601_000;
    expect(await shopName(first.access_token)).toBe(401);

    const refresh = (refreshToken: unknown, form = false) =>
      exchange(
        {
          client_id: clientId,
          client_secret: clientSecret,
          grant_type: 'refresh_token',
          refresh_token: String(refreshToken),
        },
        form,
      );
    const second = (await (await refresh(first.refresh_token, true)).json()) as Record<string, unknown>;
    expect(second).toMatchObject({ scope: 'read_orders', expires_in: 3600 });
    expect(second.refresh_token).not.toBe(first.refresh_token);
    // A refresh answer that was lost can be asked for again while its access token has not been used...
    const retried = (await (await refresh(first.refresh_token)).json()) as Record<string, unknown>;
    expect(await shopName(retried.access_token)).toBe(200);
    // ...and once the replacement is in use, the replaced refresh token is refused with invalid_grant.
    const refused = await refresh(first.refresh_token);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_grant');
    expect((await refresh('shprt_unknown')).status).toBe(400);
  });

  it('expires codes after 10 minutes and rejects wrong credentials', async () => {
    const redirect = await authorize({
      client_id: clientId,
      scope: 'read_orders',
      redirect_uri: 'http://127.0.0.1:5678/callback',
    });
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    expect((await exchange({ client_id: clientId, client_secret: 'wrong', code })).status).toBe(401);
    clock += 11 * 60_000;
    expect((await exchange({ client_id: clientId, client_secret: clientSecret, code })).status).toBe(400);
  });

  it("redirects only to the app's allowed redirection URLs (exact match), never elsewhere", async () => {
    expect(SANDBOX_CREDENTIALS.shopify.redirectUrls).toContain('http://127.0.0.1:5678/callback');
    for (const redirect_uri of [
      'https://evil.example/cb',
      'http://127.0.0.1:5678/callback/other',
      'http://127.0.0.1:5679/callback',
      'http://127.0.0.1:5678/callback?next=https://evil.example',
      'http://user@127.0.0.1:5678/callback',
      'http://localhost/cb',
    ]) {
      const response = await authorize({ client_id: clientId, scope: 'read_orders', redirect_uri });
      expect({ redirect_uri, status: response.status, location: response.headers.get('location') }).toEqual({
        redirect_uri,
        status: 400,
        location: null,
      });
      expect(await response.json()).toMatchObject({
        error: 'invalid_request',
        error_description: expect.stringMatching(/not whitelisted/),
      });
    }
    const allowed = await authorize({
      client_id: clientId,
      scope: 'read_orders',
      redirect_uri: 'http://localhost:5678/rest/oauth2-credential/callback',
    });
    expect(allowed.status).toBe(302);
    expect(new URL(allowed.headers.get('location')!).origin).toBe('http://localhost:5678');
  });

  it('rejects bad authorize requests with clear 4xx errors', async () => {
    expect((await authorize({ scope: 'read_orders', redirect_uri: 'http://127.0.0.1:5678/callback' })).status).toBe(
      400,
    );
    expect(
      (await authorize({ client_id: 'someone-else', redirect_uri: 'http://127.0.0.1:5678/callback' })).status,
    ).toBe(400);
    expect((await authorize({ client_id: clientId, redirect_uri: 'javascript:alert(1)' })).status).toBe(400);
    const scope = await authorize({
      client_id: clientId,
      scope: 'steal_everything',
      redirect_uri: 'http://127.0.0.1:5678/callback',
    });
    expect(scope.status).toBe(400);
    expect(await scope.json()).toMatchObject({ error: 'invalid_scope' });
  });
});
