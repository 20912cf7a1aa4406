import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

/**
 * A Brand connected through OAuth holds an expiring offline token (an hour) and a rotating refresh token. Runs use
 * n8n's OAuth2 helper, which refreshes on the store's 401; the run executor stores each rotated pair, so the next
 * run (in any process, after any restart: the pair is in the database) sends the new refresh token, never the
 * replaced one, which the store kills once the new token is used. The test moves the sandbox's clock ahead.
 */

const REVENUE = fs.readFileSync(
  path.join(__dirname, '..', '..', '..', '..', 'examples', 'agents', 'revenue-tracker-lite.yaml'),
  'utf8',
);
const app = SANDBOX_CREDENTIALS.shopify;
/** How far ahead of real time the sandbox's clock runs (real time passes too: its rate limits restore). */
let ahead = 0;
let t: TestServer;
let owner: TestUser;
let W: string;

beforeAll(async () => {
  t = await startTestServer({ sandbox: true, sandboxClock: () => Date.now() + ahead });
  owner = await t.signup('Owner');
  W = `/api/workspaces/${await t.createWorkspace(owner, 'Refresh')}`;
}, 60_000);
afterAll(async () => {
  await t.close();
});

async function finished(runId: string): Promise<any> {
  for (let i = 0; ; i++) {
    const run = (await t.request('GET', `${W}/runs/${runId}`, { token: owner.token })).body.run;
    if (!['queued', 'running'].includes(run.status)) return run;
    if (i > 1200) throw new Error(`run ${runId} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The figures of a revenue summary, without how they were read: the OAuth connection was granted the agent's scope
 * (read_orders: orders paged, many calls), the sandbox's own token also read_reports (ShopifyQL, two calls).
 */
function figures(output: Record<string, unknown>): unknown {
  const { source: _source, apiCalls: _calls, costPoints: _cost, ...rest } = output;
  return rest;
}

/** What the store's token endpoint answers for a refresh token (used only to check one is dead). */
async function refreshWith(refreshToken: string): Promise<{ status: number; error?: string }> {
  const res = await fetch(`${t.url}/sandbox/shopify/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: app.clientId,
      client_secret: app.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    }),
  });
  return { status: res.status, error: ((await res.json()) as { error?: string }).error };
}

describe('Shopify expiring offline tokens', () => {
  it('a run refreshes the expired token and stores the rotated pair; the next run refreshes with the new one', async () => {
    const brandId = (await t.request('POST', `${W}/brands`, { token: owner.token, body: { name: 'My Test Store' } }))
      .body.brand.id as string;
    const agentId = (
      await t.request('POST', `${W}/agents`, {
        token: owner.token,
        body: { yaml: REVENUE, inputs: { period: 'last_7_days' }, bindings: { store: { brandId } } },
      })
    ).body.agent.id as string;
    // The same agent on the sandbox store's own (non-expiring) token: what the figures must be.
    const reference = (
      await t.request('POST', `${W}/agents`, {
        token: owner.token,
        body: {
          yaml: REVENUE,
          name: 'Reference revenue',
          inputs: { period: 'last_7_days' },
          bindings: { store: { sandbox: true } },
        },
      })
    ).body.agent.id as string;

    // Connect through the OAuth screens.
    const begun = await fetch(`${t.url}${W}/brands/${brandId}/shopify/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
      body: '{}',
    });
    const cookie = begun.headers
      .getSetCookie()
      .find((c) => c.startsWith('ionflux_oauth='))!
      .split(';')[0]!;
    const authorizeUrl = ((await begun.json()) as { authorizeUrl: string }).authorizeUrl;
    const back = (await fetch(authorizeUrl, { redirect: 'manual' })).headers.get('location')!;
    const done = await fetch(back, { redirect: 'manual', headers: { cookie } });
    expect(done.status).toBe(303);
    const stored = () =>
      t.server.useCases.profiles.readCredentials({
        workspaceId: W.split('/')[3]!,
        ownerType: 'brand',
        ownerId: brandId,
      });
    const first = (await stored())!;
    expect(first.accessToken).toMatch(/^shpat_/);
    expect(first.refreshToken).toMatch(/^shprt_/);
    // An hour, as the store answered.
    expect(Date.parse(first.expiresAt!) - Date.now()).toBeGreaterThan(3_500_000);

    const runBoth = async () => {
      const run = await finished(
        (await t.request('POST', `${W}/agents/${agentId}/runs`, { token: owner.token })).body.run.id,
      );
      const expected = await finished(
        (await t.request('POST', `${W}/agents/${reference}/runs`, { token: owner.token })).body.run.id,
      );
      expect(expected.status).toBe('succeeded');
      return { run, expected };
    };

    // Two hours later the access token is dead: the run refreshes it (n8n, on the 401) and succeeds.
    ahead += 2 * 3_600_000;
    const one = await runBoth();
    expect(one.run.error).toBeNull();
    expect(one.run.status).toBe('succeeded');
    expect(figures(one.run.output)).toEqual(figures(one.expected.output));
    const second = (await stored())!;
    expect(second.accessToken).toMatch(/^shpat_/);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // The replaced refresh token is dead (the new access token was used): sending it again would fail the run.
    expect(await refreshWith(first.refreshToken!)).toEqual({ status: 400, error: 'invalid_grant' });

    // Two hours later again: the second refresh uses the rotated refresh token (the stored one) and rotates it.
    ahead += 2 * 3_600_000;
    const two = await runBoth();
    expect(two.run.error).toBeNull();
    expect(two.run.status).toBe('succeeded');
    expect(figures(two.run.output)).toEqual(figures(two.expected.output));
    const third = (await stored())!;
    expect(third.refreshToken).not.toBe(second.refreshToken);
    expect(third.accessToken).not.toBe(second.accessToken);
    expect(await refreshWith(second.refreshToken!)).toEqual({ status: 400, error: 'invalid_grant' });
    // Nothing secret reached the run records.
    const runs = JSON.stringify((await t.request('GET', `${W}/runs?agentId=${agentId}`, { token: owner.token })).body);
    for (const secret of [first, second, third].flatMap((c) => [c.accessToken, c.refreshToken!]))
      expect(runs).not.toContain(secret);
  }, 180_000);
});
