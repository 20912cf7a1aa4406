import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import type { Socket } from 'socket.io-client';
import {
  collect,
  emitWithAck,
  startTestServer,
  waitUntil,
  type TestServer,
  type TestUser,
} from '../../testing/test-server';
import type { RouteDefinition } from './route';
import { EXAMPLE_AGENT_YAML } from './routes/agents.routes';
import { buildAgentPackage, generatePublisherKey, signAgentPackage } from '../../domain/marketplace/package';

/**
 * Two workspaces: A's (W1) and B's (W2), with every kind of resource in W2. User A and an API token of W1 try every
 * route of the route table against W2 (W2's workspace id, and W1's id with W2's resource ids) and every socket
 * room of W2. All must answer 404 (never 403, so existence does not leak), and W2's data must not change.
 */
let t: TestServer;
let a: TestUser;
let b: TestUser;
let c: TestUser;
let w1: string;
let w2: string;
let w1Token: string;
const SECRET = 'zebra-secret-of-w2';
const ids: Record<string, string> = {};
let w2InvitationToken: string;
let bNotificationId: string;
let w2HookSecret: string;
const hookAgentYaml = (name: string) => `apiVersion: ionflux/v1
kind: Agent
metadata: { name: ${name}, version: 1.0.0 }
spec:
  trigger: { webhook: {} }
  steps:
    - { id: tell, uses: notify, with: { title: "Hook" } }
`;

const TABLES = [
  'workspaces',
  'workspace_members',
  'invitations',
  'brands',
  'creators',
  'integration_credentials',
  'canvas_pages',
  'canvas_blocks',
  'chat_channels',
  'channel_members',
  'chat_messages',
  'prompt_libraries',
  'prompts',
  'notifications',
  'api_tokens',
  'vector_documents',
  'agent_configurations',
  'agent_revisions',
  'agent_runs',
  'publishers',
  'agent_rental_agreements',
  'platform_transactions',
  'ledger_accounts',
  'agent_schedule_firings',
  'canvas_block_outputs',
];

async function snapshotW2(): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const column = table === 'workspaces' ? 'id' : 'workspace_id';
    const rows = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(table)} where ${sql.ref(column)} = ${w2} order by 1, 2`.execute(t.server.db);
    snapshot[table] = rows.rows.map((row) => JSON.parse(JSON.stringify({ ...row, last_used_at: undefined })));
  }
  return snapshot;
}

beforeAll(async () => {
  t = await startTestServer();
  a = await t.signup('A');
  b = await t.signup('B');
  c = await t.signup('C');
  w1 = await t.createWorkspace(a, 'W1');
  w2 = await t.createWorkspace(b, `W2 ${SECRET}`);
  await t.addMember({ owner: b, user: c, workspaceId: w2, role: 'member' });
  w1Token = (
    await t.request('POST', `/api/workspaces/${w1}/api-tokens`, {
      token: a.token,
      body: { name: 'w1 agent', role: 'admin' },
    })
  ).body.token;

  const W = `/api/workspaces/${w2}`;
  const as = (path: string, body: unknown, method = 'POST') =>
    t.request(method, `${W}${path}`, { token: b.token, body });
  ids.pageId = (await as('/pages', { title: `Plan ${SECRET}` })).body.page.id;
  ids.blockId = (
    await as(`/pages/${ids.pageId}/blocks`, { type: 'text', content: { text: SECRET }, key: 'goal' })
  ).body.block.id;
  ids.channelId = (await as('/channels', { name: 'w2-public' })).body.channel.id;
  ids.privateChannelId = (await as('/channels', { name: 'w2-private', visibility: 'private' })).body.channel.id;
  ids.messageId = (
    await as(`/channels/${ids.channelId}/messages`, { text: `hello ${SECRET}`, mentions: [c.id] })
  ).body.message.id;
  await as(`/channels/${ids.channelId}/messages`, { text: 'reply', threadRootId: ids.messageId });
  ids.brandId = (await as('/brands', { name: `Store ${SECRET}` })).body.brand.id;
  await as(`/brands/${ids.brandId}/credentials`, { accessToken: `shpat_${SECRET}` }, 'PUT');
  ids.creatorId = (await as('/creators', { name: `Creator ${SECRET}` })).body.creator.id;
  ids.libraryId = (await as('/prompt-libraries', { name: `Lib ${SECRET}` })).body.library.id;
  ids.promptId = (
    await as(`/prompt-libraries/${ids.libraryId}/prompts`, { name: 'P', template: `Prompt ${SECRET} {{x}}` })
  ).body.prompt.id;
  const invitation = (await as('/invitations', { email: 'someone@example.com', role: 'viewer' })).body;
  ids.invitationId = invitation.invitation.id;
  w2InvitationToken = invitation.token;
  ids.tokenId = (await as('/api-tokens', { name: 'w2 agent' })).body.apiToken.id;
  bNotificationId = (await as('/notifications', { userIds: [b.id], title: `Note ${SECRET}` })).body.notifications[0].id;
  ids.agentId = (
    await as('/agents', {
      yaml: EXAMPLE_AGENT_YAML,
      description: `Agent ${SECRET}`,
      bindings: { store: { brandId: ids.brandId } },
    })
  ).body.agent.id;
  ids.revision = '1';
  // An agent-snippet block of W2 with its output history (its first entry).
  ids.snippetBlockId = (
    await as(`/pages/${ids.pageId}/blocks`, { type: 'agent_snippet', content: { markdown: SECRET }, key: 'snippet' })
  ).body.block.id;
  ids.outputId = (
    await t.request('GET', `${W}/pages/${ids.pageId}/blocks/${ids.snippetBlockId}/outputs`, { token: b.token })
  ).body.outputs[0].id;
  ids.hookAgentId = (await as('/agents', { yaml: hookAgentYaml('w2-hook') })).body.agent.id;
  w2HookSecret = (await as(`/agents/${ids.hookAgentId}/webhook`, {})).body.webhook.secret;
  // A run of W2's agent, finished (it fails: W2's store has no working credentials) before the snapshots.
  ids.runId = (await as(`/agents/${ids.agentId}/runs`, {})).body.run.id;
  for (let i = 0; i < 600; i++) {
    const run = (await t.request('GET', `${W}/runs/${ids.runId}`, { token: b.token })).body.run;
    if (run.status === 'failed' || run.status === 'succeeded') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // W2 publishes a paid agent, tops up its balance and rents it: a publisher, a rental and ledger transactions.
  const published = await as('/marketplace/agents', {
    ...signAgentPackage(
      buildAgentPackage({
        yaml: EXAMPLE_AGENT_YAML.replace('revenue-tracker-lite', 'w2-revenue').replace(
          'version: 1.0.0',
          'version: 1.0.0, description: Agent of W2',
        ),
        category: 'analytics',
        pricing: { model: 'monthly', priceMinor: 500, currency: 'USD' },
      }),
      generatePublisherKey().privateKeyPem,
    ),
    publisherName: 'W2 Publisher',
  });
  expect(published.status).toBe(201);
  ids.name = published.body.agent.name;
  ids.version = published.body.version.version;
  await as('/balance/top-ups', { amountMinor: 1000, currency: 'USD', idempotencyKey: 'w2-top-up-1' });
  ids.rentalId = (await as('/marketplace/rentals', { agent: ids.name, idempotencyKey: 'w2-rental-1' })).body.rental.id;
  ids.userId = c.id;
  ids.notificationId = bNotificationId;
  ids.namespace = 'w2-persona';
  await as(
    `/vectors/${ids.namespace}/documents`,
    { documents: [{ id: 'note', text: `Persona ${SECRET}`, embedding: [1, 0, 0] }] },
    'PUT',
  );
}, 120_000);
afterAll(async () => {
  await t.close();
});

/** Path params filled with W2's resources; `workspaceId` as given. */
function fillPath(route: RouteDefinition, workspaceId: string): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    if (name === 'workspaceId') return workspaceId;
    const value = ids[name];
    if (!value)
      throw new Error(`tenant-isolation fixture has no W2 value for :${name} (route ${route.operationId}); add one`);
    return value;
  });
}

/** The route's example body, with every field that references a resource pointed at W2's. */
function crossTenantBody(route: RouteDefinition): unknown {
  if (!route.body) return undefined;
  const body = { ...(route.example?.body as Record<string, unknown>) };
  const replacements: Record<string, unknown> = {
    page: ids.pageId,
    channel: ids.channelId,
    threadRootId: ids.messageId,
    libraryId: ids.libraryId,
    userId: c.id,
    userIds: [c.id],
    memberIds: [c.id],
    mentions: [c.id],
  };
  for (const [key, value] of Object.entries(replacements)) if (key in body) body[key] = value;
  return body;
}

function query(route: RouteDefinition): string {
  const q = route.example?.query;
  return q ? `?${new URLSearchParams(q).toString()}` : '';
}

describe('tenant isolation over HTTP', () => {
  it('no workspace route lets W1 users or W1 API tokens read or write W2 (404 every time), and W2 is unchanged', async () => {
    const before = await snapshotW2();
    const workspaceRoutes = t.server.routes.filter((r) => r.policy.kind === 'workspace');
    expect(workspaceRoutes.length).toBeGreaterThan(40);
    const outcomes: string[] = [];
    for (const route of workspaceRoutes) {
      for (const [who, token] of [
        ['user A', a.token],
        ['W1 API token', w1Token],
      ] as const) {
        // 1. W2's workspace id: the workspace itself is invisible.
        const direct = await t.request(route.method.toUpperCase(), `${fillPath(route, w2)}${query(route)}`, {
          token,
          body: crossTenantBody(route),
        });
        outcomes.push(`${who} ${route.operationId} W2 -> ${direct.status}`);
        expect({ route: route.operationId, who, status: direct.status }).toEqual({
          route: route.operationId,
          who,
          status: 404,
        });
        expect(JSON.stringify(direct.body)).not.toContain(SECRET);

        // 2. W1's id with W2's resource ids (in the path or the body): nothing of W2 is reachable from W1.
        const hasForeignRefs =
          /:[A-Za-z]+Id/.test(route.path.replace(':workspaceId', '')) ||
          JSON.stringify(crossTenantBody(route) ?? {}).match(/[0-9a-f-]{36}/);
        if (!hasForeignRefs) continue;
        const crossed = await t.request(route.method.toUpperCase(), `${fillPath(route, w1)}${query(route)}`, {
          token,
          body: crossTenantBody(route),
        });
        outcomes.push(`${who} ${route.operationId} W1+W2ids -> ${crossed.status}`);
        // 403 is allowed only where the role/scope check comes first, and it never names W2's data.
        expect({ route: route.operationId, who, ok: crossed.status >= 400 && crossed.status < 500 }).toEqual({
          route: route.operationId,
          who,
          ok: true,
        });
        if (crossed.status === 403)
          expect(['insufficient_role', 'api_token_not_allowed', 'missing_scope']).toContain(crossed.body.error.code);
        expect(JSON.stringify(crossed.body)).not.toContain(SECRET);
      }
    }
    expect(outcomes.length).toBeGreaterThan(80);
    expect(await snapshotW2()).toEqual(before);
  });

  it('the routes without a workspace in the path only ever show the caller their own data', async () => {
    const expectations: Record<string, () => Promise<void>> = {
      listMyWorkspaces: async () => {
        const res = await t.request('GET', '/api/workspaces', { token: a.token });
        expect(res.body.workspaces.map((w: { id: string }) => w.id)).toEqual([w1]);
      },
      createWorkspace: async () => {
        const res = await t.request('POST', '/api/workspaces', { token: a.token, body: { name: 'A2' } });
        expect(res.body.workspace.id).not.toBe(w2);
      },
      acceptInvitation: async () => {
        const res = await t.request('POST', '/api/invitations/accept', {
          token: a.token,
          body: { token: w2InvitationToken },
        });
        expect(res.status).toBe(403);
        expect(JSON.stringify(res.body)).not.toContain(SECRET);
        expect((await t.request('GET', `/api/workspaces/${w2}`, { token: a.token })).status).toBe(404);
      },
      listNotifications: async () => {
        const mine = await t.request('GET', '/api/notifications', { token: a.token });
        expect(JSON.stringify(mine.body)).not.toContain(SECRET);
        const filtered = await t.request('GET', `/api/notifications?workspaceId=${w2}`, { token: a.token });
        expect(filtered.body.notifications).toEqual([]);
      },
      markNotificationRead: async () => {
        expect(
          (await t.request('POST', `/api/notifications/${bNotificationId}/read`, { token: a.token, body: {} })).status,
        ).toBe(404);
      },
      markAllNotificationsRead: async () => {
        await t.request('POST', '/api/notifications/read-all', { token: a.token, body: { workspaceId: w2 } });
        const bList = await t.request('GET', '/api/notifications', { token: b.token });
        expect(bList.body.notifications.find((n: { id: string }) => n.id === bNotificationId).read).toBe(false);
      },
      describeApiToken: async () => {
        const res = await t.request('GET', '/api/api-token', { token: w1Token });
        expect(res.body.workspace.id).toBe(w1);
      },
      getMe: async () => {
        expect((await t.request('GET', '/api/me', { token: a.token })).body.user.id).toBe(a.id);
      },
      changePassword: async () => {
        // Another user's password does not re-authenticate A; nothing of B changes.
        const res = await t.request('POST', '/api/me/password', {
          token: a.token,
          body: { currentPassword: b.password, newPassword: 'a brand new passphrase' },
        });
        expect(res.status).toBe(403);
        expect((await t.request('GET', '/api/me', { token: b.token })).status).toBe(200);
      },
      deleteAccount: async () => {
        const res = await t.request('DELETE', '/api/me', { token: a.token, body: { password: b.password } });
        expect(res.status).toBe(403);
        expect((await t.request('GET', '/api/me', { token: b.token })).body.user.id).toBe(b.id);
        expect((await t.request('GET', '/api/me', { token: a.token })).body.user.id).toBe(a.id);
      },
      updateMe: async () => {
        expect(
          (await t.request('PATCH', '/api/me', { token: a.token, body: { displayName: 'A!' } })).body.user.id,
        ).toBe(a.id);
      },
    };
    const noWorkspaceRoutes = t.server.routes.filter((r) => r.policy.kind === 'user' || r.policy.kind === 'apiToken');
    for (const route of noWorkspaceRoutes) {
      const check = expectations[route.operationId];
      if (!check) throw new Error(`add a tenant-isolation expectation for ${route.operationId}`);
      await check();
    }
    // public and cookie routes hold no workspace data: health, docs, signup/login/refresh/logout; the Shopify webhook
    // intake is authenticated by Shopify's signature and writes only to the inbox (shopify-webhooks.test.ts); the OAuth
    // callbacks by the signed state cookie of a flow a workspace admin began (connections.test.ts)
    const rest = t.server.routes
      .filter((r) => !['workspace', 'user', 'apiToken'].includes(r.policy.kind))
      .map((r) => r.operationId)
      .sort();
    expect(rest).toEqual([
      'completeShopifyConnection',
      'completeTikTokConnection',
      'getDocs',
      'getDocsAsset',
      'getDocsInitializer',
      'getMarketplaceAgent',
      'getOpenApi',
      'health',
      'listMarketplaceAgents',
      'login',
      'logout',
      'ready',
      'receiveAgentWebhook',
      'receiveAgentWebhookGet',
      'receiveAgentWebhookPut',
      'receiveShopifyWebhook',
      'refreshSession',
      'signup',
    ]);
    // An agent's webhook URL starts that agent only: W1's secret with W2's agent id, and W2's secret with W1's
    // agent id, are 404s that start nothing.
    const w1Hook = (
      await t.request('POST', `/api/workspaces/${w1}/agents`, {
        token: a.token,
        body: { yaml: hookAgentYaml('w1-hook') },
      })
    ).body.agent.id;
    const w1Secret = (await t.request('POST', `/api/workspaces/${w1}/agents/${w1Hook}/webhook`, { token: a.token }))
      .body.webhook.secret;
    const before = await snapshotW2();
    for (const [agentId, secret] of [
      [ids.hookAgentId, w1Secret],
      [w1Hook, w2HookSecret],
    ]) {
      const res = await t.request('POST', `/api/hooks/agents/${agentId}/${secret}`, { body: { x: 1 } });
      expect(res.status).toBe(404);
    }
    expect(await snapshotW2()).toEqual(before);
    const w1Runs = await t.request('GET', `/api/workspaces/${w1}/runs?agentId=${w1Hook}`, { token: a.token });
    expect(w1Runs.body.runs).toEqual([]);
  });
});

describe('tenant isolation over sockets', () => {
  let sockets: Socket[];
  beforeAll(async () => {
    sockets = [await t.connect(a.token), await t.connect(w1Token)];
  });

  it('refuses every W2 room with not-found, whichever workspace id is claimed', async () => {
    for (const socket of sockets) {
      for (const workspaceId of [w2, w1]) {
        const attempts = [
          ['channel:join', { workspaceId, channelId: ids.channelId }],
          ['channel:join', { workspaceId, channelId: ids.privateChannelId }],
          ['page:join', { workspaceId, pageId: ids.pageId }],
          ['message:send', { workspaceId, channelId: ids.channelId, text: 'intrusion' }],
          ['channel:read', { workspaceId, channelId: ids.channelId, seq: 1 }],
        ] as const;
        for (const [event, payload] of attempts) {
          const ack = await emitWithAck(socket, event, payload);
          expect({ event, workspaceId: workspaceId === w2 ? 'W2' : 'W1', ok: ack.ok, code: ack.error?.code }).toEqual({
            event,
            workspaceId: workspaceId === w2 ? 'W2' : 'W1',
            ok: false,
            code: expect.stringMatching(/_not_found$/),
          });
        }
      }
      const ws = await emitWithAck(socket, 'workspace:join', { workspaceId: w2 });
      expect(ws).toMatchObject({ ok: false, error: { code: 'workspace_not_found' } });
    }
  });

  it('delivers nothing of W2 to W1 sockets while W2 is busy', async () => {
    const received = sockets.flatMap((socket) =>
      [
        'message:new',
        'message:updated',
        'block:created',
        'block:updated',
        'page:changed',
        'notification:new',
        'typing',
        'presence',
      ].map((event) => collect(socket, event)),
    );
    const bSocket = await t.connect(b.token);
    await emitWithAck(bSocket, 'channel:join', { workspaceId: w2, channelId: ids.channelId });
    await emitWithAck(bSocket, 'page:join', { workspaceId: w2, pageId: ids.pageId });
    const own = collect(bSocket, 'message:new');
    // A second W2 socket sees every W2 event happen: the positive proof that they were all broadcast.
    const bWatcher = await t.connect(b.token);
    await emitWithAck(bWatcher, 'channel:join', { workspaceId: w2, channelId: ids.channelId });
    await emitWithAck(bWatcher, 'page:join', { workspaceId: w2, pageId: ids.pageId });
    const seen = ['message:new', 'block:updated', 'typing'].map((event) => collect(bWatcher, event));
    await emitWithAck(bSocket, 'message:send', {
      workspaceId: w2,
      channelId: ids.channelId,
      text: `busy ${SECRET}`,
      mentions: [c.id],
    });
    await t.request('PATCH', `/api/workspaces/${w2}/pages/${ids.pageId}/blocks/${ids.blockId}`, {
      token: b.token,
      body: { baseVersion: 1, content: { text: 'changed' } },
    });
    bSocket.emit('typing', { workspaceId: w2, channelId: ids.channelId, typing: true });
    await waitUntil(() => seen.every((events) => events.length > 0), 5000, 'W2 events at the W2 watcher');
    // Sentinel: a round trip on each W1 socket after the W2 broadcasts; anything sent to it before would be ahead.
    for (const socket of sockets) await emitWithAck(socket, 'workspace:join', { workspaceId: w2 });
    expect(own).toHaveLength(1); // the events did happen
    expect(received.flat()).toEqual([]);
    bWatcher.disconnect();
  });
});
