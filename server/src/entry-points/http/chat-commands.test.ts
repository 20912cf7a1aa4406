import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { sandboxOrderTotals } from '../../testing/sandbox-orders';
import { emitWithAck, nextEvent, startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

let t: TestServer;
let demoToken: string;
let w: string;
let mate: TestUser;
let channelId: string;
let rootId: string;
let demoSocket: Socket;
const W = () => `/api/workspaces/${w}`;

beforeAll(async () => {
  t = await startTestServer({ demo: true });
  w = t.server.demo!.workspaceId;
  demoToken = (
    await t.request('POST', '/api/auth/login', {
      body: { email: t.server.demo!.email, password: t.server.demo!.password },
    })
  ).body.accessToken;
  mate = await t.signup('Sam');
  const invite = await t.request('POST', `${W()}/invitations`, {
    token: demoToken,
    body: { email: mate.email, role: 'member' },
  });
  await t.request('POST', '/api/invitations/accept', { token: mate.token, body: { token: invite.body.token } });
  channelId = (await t.request('POST', `${W()}/channels`, { token: demoToken, body: { name: 'q4-plan' } })).body.channel
    .id;
  await t.request('POST', `${W()}/channels/${channelId}/members`, { token: mate.token, body: { userId: mate.id } });
  // Two people discuss in a thread, over sockets.
  demoSocket = await t.connect(demoToken);
  const mateSocket = await t.connect(mate.token);
  for (const socket of [demoSocket, mateSocket])
    await emitWithAck(socket, 'channel:join', { workspaceId: w, channelId });
  const send = (socket: Socket, text: string, threadRootId?: string) =>
    emitWithAck(socket, 'message:send', { workspaceId: w, channelId, text, ...(threadRootId ? { threadRootId } : {}) });
  rootId = (await send(demoSocket, 'Kickoff for the Q4 holiday campaign: the goal is 20% more sales for the bundle.'))
    .message.id;
  await send(mateSocket, 'We decided to launch on December 1st with three fashion creators.', rootId);
  await send(demoSocket, 'Sam drafts the creator brief by Friday and books the shoot.', rootId);
  await send(mateSocket, 'Open question: do we offer free shipping over $50?', rootId);
}, 180_000);
afterAll(async () => {
  await t.close();
});

/** Posts `text` in the thread as the demo user and resolves with the first agent reply in that thread after it. */
async function command(text: string, timeoutMs = 60_000): Promise<any> {
  const reply = nextEvent(
    demoSocket,
    'message:new',
    (m: any) => m.threadRootId === rootId && m.author.kind === 'agent',
    timeoutMs,
  );
  const sent = await emitWithAck(demoSocket, 'message:send', { workspaceId: w, channelId, text, threadRootId: rootId });
  expect(sent.ok).toBe(true);
  return reply;
}

describe('demo agents', () => {
  it('npm start seeds the ten example agents, bound to the sandbox store and creator', async () => {
    const files = fs.readdirSync(path.join(__dirname, '..', '..', '..', '..', 'examples', 'agents'));
    const res = await t.request('GET', `${W()}/agents`, { token: demoToken });
    expect(res.body.agents).toHaveLength(files.filter((f) => f.endsWith('.yaml')).length);
    const revenue = res.body.agents.find((a: { name: string }) => a.name === 'Revenue Tracker Lite');
    const brands = (await t.request('GET', `${W()}/brands`, { token: demoToken })).body.brands;
    expect(revenue.bindings).toEqual({ store: { brandId: brands[0].id } });
    expect(brands[0].shopDomain).toBe('ionflux-demo.myshopify.com');
  });
});

describe('chat commands', () => {
  it('/help lists the commands and an unknown command gets the nearest one', async () => {
    const help = await command('/help');
    expect(help.text).toContain('/run_agent <agent> [action] [key=value ...]');
    const typo = await command('/run_agnet Slack Brief Butler');
    expect(typo.text).toContain('did you mean `/run_agent`?');
    const agents = await command('/agents');
    expect(agents.text).toContain('**Slack Brief Butler** (action: `summarize_thread`)');
  });

  it('names the nearest agent, action and input on mistakes', async () => {
    expect((await command('/run_agent Slak Brief Butler summarize_thread')).text).toContain(
      'did you mean **Slack Brief Butler**?',
    );
    expect((await command('/run_agent Slack Brief Butler summarize')).text).toContain(
      'its action is `summarize_thread`',
    );
    expect((await command('/run_agent revenue tracker lite perod=today')).text).toContain('did you mean `period`?');
    expect((await command('/run_agent Revenue Tracker Lite period=someday')).text).toMatch(
      /Could not run \*\*Revenue Tracker Lite\*\*: Input 'period' must be one of/,
    );
  });

  it('/run_agent Slack Brief Butler summarize_thread replies in the thread with a brief built from its messages', async () => {
    const reply = await command('/run_agent Slack Brief Butler summarize_thread', 120_000);
    const thread = (
      await t.request('GET', `${W()}/channels/${channelId}/messages/${rootId}/thread`, { token: demoToken })
    ).body;
    // The agent read this thread: root and every reply up to the command (the ones the earlier tests added too).
    const readCount = 1 + thread.replies.findIndex((m: { id: string }) => m.id === reply.id);
    expect(reply.author).toEqual({ kind: 'agent', name: 'Slack Brief Butler' });
    expect(reply.text).toContain(`(${readCount} messages)`);
    const brief = reply.payload as { summary: string; decisions: string[]; actionItems: string[] };
    const said = [thread.root, ...thread.replies].map((m: { text: string }) => m.text).join('\n');
    // The offline model is extractive: the brief's sentences come from what people wrote.
    const sentences = brief.summary.split(/(?<=[.?!])\s+/).filter(Boolean);
    expect(sentences.length).toBeGreaterThan(0);
    expect(sentences.some((s) => said.includes(s.trim()))).toBe(true);
  }, 180_000);

  it('/run_agent Revenue Tracker Lite posts a result card with the store figures', async () => {
    const reply = await command('/run_agent Revenue Tracker Lite period=last_7_days', 120_000);
    expect(reply.author).toEqual({ kind: 'agent', name: 'Revenue Tracker Lite' });
    const fields = Object.fromEntries(
      (reply.payload.fields as { label: string; value: string }[]).map((f) => [f.label, f.value]),
    );
    const expected = await sandboxOrderTotals(t.url, fields.from!, fields.to!);
    expect(Number(fields.total)).toBeCloseTo(expected.total, 2);
    expect(Number(fields.orders)).toBe(expected.count);
    expect(reply.text).toContain(`total: ${fields.total}`);
    const run = (await t.request('GET', `${W()}/runs/${reply.payload.runId}`, { token: demoToken })).body.run;
    expect(run).toMatchObject({ status: 'succeeded', trigger: { kind: 'chat.command' }, context: { channelId } });
  }, 180_000);

  it('autocompletes commands, agent names, actions and input keys', async () => {
    const complete = async (text: string) =>
      (await t.request('GET', `${W()}/chat/complete?text=${encodeURIComponent(text)}`, { token: mate.token })).body
        .suggestions as { kind: string; value: string }[];
    expect((await complete('/ru')).map((s) => s.value)).toEqual(['/run_agent']);
    expect((await complete('/run_agent sla')).map((s) => s.value)).toEqual(['Slack Brief Butler']);
    expect(await complete('/run_agent Slack Brief Butler ')).toEqual([
      expect.objectContaining({ kind: 'action', value: 'summarize_thread' }),
      expect.objectContaining({ kind: 'input', value: 'maxMessages=' }),
    ]);
    expect((await complete('/run_agent Revenue Tracker Lite pe')).map((s) => s.value)).toEqual(['period=']);
    expect(await complete('hello')).toEqual([]);
  });
});
