import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import type { TestUser } from '../../server/src/testing/test-server';
import { signIn, StudioHarness } from './harness';

/**
 * Connections through the providers' OAuth screens, in the browser, against the sandbox's Shopify (authorization code
 * grant, HMAC-signed redirect) and TikTok Login Kit (PKCE): "My Test Store" and "My Test Creator" connected (the
 * stored tokens are checked against the sandbox's own APIs), a refused consent saying nothing was stored, an expired token shown and refreshed, a revoked
 * authorization shown and connected again, and a disconnect.
 */
jest.setTimeout(240_000);

let h: StudioHarness;
let ana: TestUser;
let workspaceId: string;

beforeAll(async () => {
  h = await StudioHarness.start('connections', { sandbox: true });
  ana = await h.server.signup('Ana Owner');
  workspaceId = await h.server.createWorkspace(ana, 'My Marketing Agency');
});
afterAll(async () => {
  await h?.close();
});

const credentials = (ownerType: 'brand' | 'creator', ownerId: string) =>
  h.server.server.useCases.profiles.readCredentials({ workspaceId, ownerType, ownerId });

describe('studio: connecting a Shopify store and a TikTok account', () => {
  it('connects both through OAuth, shows expired and revoked, refreshes, reconnects and disconnects', async () => {
    const W = `/api/workspaces/${workspaceId}`;
    const page = await (await h.newContext('ana')).newPage();
    await signIn(page, h.url, ana);
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();
    await page.getByLabel('Brand name').fill('My Test Store');
    await page.getByRole('button', { name: 'Add store' }).click();
    await page.getByLabel('Creator name').fill('My Test Creator');
    await page.getByLabel('Handle (optional)').fill('@my.test.creator');
    await page.getByRole('button', { name: 'Add creator' }).click();
    const storeRow = page.getByRole('row', { name: /My Test Store/ });
    const creatorRow = page.getByRole('row', { name: /My Test Creator/ });
    await creatorRow.getByText('not connected').waitFor();
    expect(await storeRow.getByText('not connected').count()).toBe(1);
    await h.step(page, 'not connected');

    // Shopify: the store's authorize screen, back through the callback to this screen.
    await page.getByRole('button', { name: 'Connect My Test Store to Shopify' }).click();
    await page.getByText('My Test Store is connected to Shopify.').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/workspaces/${workspaceId}/connections`);
    await storeRow.getByText('connected', { exact: true }).waitFor();
    const brand = (await h.server.request('GET', `${W}/brands`, { token: ana.token })).body.brands[0];
    expect(brand.connection.state).toBe('connected');
    expect(await storeRow.getByText(brand.credentials.scopes.join(', ')).count()).toBe(1);
    const shopToken = (await credentials('brand', brand.id))!.accessToken;
    const shop = (await fetch(`${h.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': shopToken },
      body: JSON.stringify({ query: '{ shop { myshopifyDomain } }' }),
    }).then((r) => r.json())) as { data: { shop: { myshopifyDomain: string } } };
    expect(shop.data.shop.myshopifyDomain).toBe(SANDBOX_CREDENTIALS.shopify.shopDomain);
    await h.step(page, 'store connected');

    // TikTok Login Kit (PKCE). First the person presses Cancel on TikTok's screen (the sandbox's
    // sandbox_consent=deny): the screen says nothing was stored. Then they approve.
    const authorize = /\/sandbox\/tiktok\/v2\/auth\/authorize\//;
    await page.route(authorize, (route) => route.continue({ url: `${route.request().url()}&sandbox_consent=deny` }));
    await page.getByRole('button', { name: 'Connect My Test Creator to TikTok' }).click();
    await page.getByRole('alert').getByText('TikTok did not connect My Test Creator (denied)').waitFor();
    await page.unroute(authorize);
    const refused = (await h.server.request('GET', `${W}/creators`, { token: ana.token })).body.creators[0];
    expect(refused.credentials.connected).toBe(false);
    expect(refused.connection.detail).toContain('access_denied');
    await creatorRow.getByText('access_denied', { exact: false }).waitFor();
    await h.step(page, 'creator consent denied');
    await page.getByRole('button', { name: 'Connect My Test Creator to TikTok' }).click();
    await page.getByText('My Test Creator is connected to TikTok.').waitFor();
    await creatorRow.getByText('connected', { exact: true }).waitFor();
    const creator = (await h.server.request('GET', `${W}/creators`, { token: ana.token })).body.creators[0];
    const tiktokInfo = async () => {
      const token = (await credentials('creator', creator.id))!.accessToken;
      return fetch(`${h.url}/sandbox/tiktok/v2/user/info/?fields=open_id`, {
        headers: { authorization: `Bearer ${token}` },
      });
    };
    expect((await tiktokInfo()).status).toBe(200);
    await h.step(page, 'creator connected');

    // An access token past its expiry shows as expired; refreshing it (TikTok rotates the pair) connects it again.
    await h.server.server.db
      .updateTable('integration_credentials')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('owner_id', '=', creator.id)
      .execute();
    await page.reload();
    await creatorRow.getByText('expired', { exact: true }).waitFor();
    await h.step(page, 'creator token expired');
    const before = (await credentials('creator', creator.id))!.accessToken;
    await page.getByRole('button', { name: "Refresh My Test Creator's token" }).click();
    await creatorRow.getByText('connected', { exact: true }).waitFor();
    expect((await credentials('creator', creator.id))!.accessToken).not.toBe(before);
    expect((await tiktokInfo()).status).toBe(200);

    // The user removes the app at TikTok: the next refresh finds it revoked, and the screen says so.
    await fetch(`${h.url}/sandbox/tiktok/v2/oauth/revoke/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_key: SANDBOX_CREDENTIALS.tiktok.clientKey,
        client_secret: SANDBOX_CREDENTIALS.tiktok.clientSecret,
        token: (await credentials('creator', creator.id))!.accessToken,
      }),
    });
    h.expectFailure(`${W}/creators/${creator.id}/tiktok/refresh`, 409);
    await page.getByRole('button', { name: "Refresh My Test Creator's token" }).click();
    await page
      .getByRole('alert')
      .getByText(/Connect it again/)
      .waitFor();
    await creatorRow.getByText('revoked', { exact: true }).waitFor();
    expect(
      (await h.server.request('GET', `${W}/creators/${creator.id}`, { token: ana.token })).body.creator.connection
        .state,
    ).toBe('revoked');
    await h.step(page, 'creator revoked');
    await page.getByRole('button', { name: 'Connect My Test Creator to TikTok' }).click();
    await page.getByText('My Test Creator is connected to TikTok.').waitFor();
    await creatorRow.getByText('connected', { exact: true }).waitFor();
    expect((await tiktokInfo()).status).toBe(200);

    // Disconnect the store: its webhooks are removed at the store and its token deleted.
    await page.getByRole('button', { name: 'Disconnect My Test Store' }).click();
    await storeRow.getByText('disconnected', { exact: true }).waitFor();
    expect(await credentials('brand', brand.id)).toBeUndefined();
    const after = (await h.server.request('GET', `${W}/brands/${brand.id}`, { token: ana.token })).body.brand;
    expect(after).toMatchObject({ credentials: { connected: false }, connection: { state: 'disconnected' } });
    await h.step(page, 'store disconnected');
    expect(h.problems).toEqual([]);
  });

  it('a failed callback comes back to Connections with the error readable, not raw JSON', async () => {
    const page = await (await h.newContext('ana-failed-callback')).newPage();
    await signIn(page, h.url, ana);
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();
    // The store answers, but the query reaching the callback was tampered with (the code swapped): its HMAC fails.
    // (A redirect's target is not routable: the store's redirect is answered here with the tampered location.)
    const authorize = /\/sandbox\/shopify\/admin\/oauth\/authorize\?/;
    await page.route(authorize, async (route) => {
      const answer = await route.fetch({ maxRedirects: 0 });
      const location = new URL(answer.headers()['location']!, h.url);
      location.searchParams.set('code', 'attacker-code');
      await route.fulfill({ status: 302, headers: { location: location.toString() } });
    });
    await page.getByRole('button', { name: 'Connect My Test Store to Shopify' }).click();
    const alert = page.getByRole('alert').getByText(/^Connecting to Shopify failed: hmac: .*Nothing was stored\.$/);
    await alert.waitFor();
    expect(new URL(page.url()).pathname).toBe(`/workspaces/${workspaceId}/connections`);
    await page.unroute(authorize);
    await h.step(page, 'callback failed');
    const brand = (await h.server.request('GET', `/api/workspaces/${workspaceId}/brands`, { token: ana.token })).body
      .brands[0];
    expect(brand.credentials.connected).toBe(false);

    // A callback opened with no flow in progress in this browser (no state cookie): the studio still shows why.
    await page.goto(`${h.url}/api/connections/shopify/callback?shop=x.myshopify.com&code=c&state=s&hmac=00`);
    await page
      .getByRole('alert')
      .getByText(/^Connecting to Shopify failed: No connection in progress/)
      .waitFor();
    expect(new URL(page.url()).pathname).toBe(`/workspaces/${workspaceId}/connections`);
    expect(h.problems).toEqual([]);
  });
});
