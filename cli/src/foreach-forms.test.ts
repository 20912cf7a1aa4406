import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileAgent,
  decompileWorkflow,
  forEachForm,
  forEachStep,
  type AgentIR,
  type CompileResult,
  type N8nWorkflow,
} from '@ionflux/compiler';
import { runAgent, type AgentRunResult } from '@ionflux/engine';
import { startSandboxEnvironment, type SandboxEnvironment } from './sandbox-environment';

/**
 * A forEach compiled as a straight chain (n8n's per-item execution, `forEachForm`) against the same agent compiled
 * with Loop Over Items (`forEach: 'loop'`, the form every forEach had before): both run on the embedded engine
 * against the sandbox workspace, and their outputs and what they leave behind (canvas blocks, notifications in
 * order, the error that stopped a run) must be equal, for lists of several items, of one item and empty.
 */
const examplesDir = join(__dirname, '..', '..', 'examples', 'agents');

let env: SandboxEnvironment;

beforeAll(async () => {
  env = await startSandboxEnvironment();
}, 60_000);
afterAll(async () => {
  await env?.close();
});

type Form = 'auto' | 'loop' | 'unordered';

function compile(yaml: string, form: Form): CompileResult & Required<Pick<CompileResult, 'workflow' | 'ir'>> {
  const result = compileAgent(yaml, { forEach: form });
  if (!result.workflow || !result.ir) throw new Error(JSON.stringify(result.diagnostics, null, 2));
  return result as CompileResult & Required<Pick<CompileResult, 'workflow' | 'ir'>>;
}

function forms(ir: AgentIR): string[] {
  const found: string[] = [];
  forEachStep(ir.steps, (step) => {
    if (step.kind === 'forEach') found.push(forEachForm(step).form);
  });
  return found;
}

interface Notification {
  id: string;
  title: string;
  body: string;
  kind: string;
}

/** Notifications, oldest first. */
async function notifications(): Promise<Notification[]> {
  const response = await env.api('GET', '/api/notifications?limit=100');
  expect(response.status).toBe(200);
  return [...(response.body.notifications as Notification[])].reverse();
}

/** A canvas block's markdown, or null when the page or the block does not exist. */
async function blockMarkdown(page: string, key: string): Promise<string | null> {
  const response = await env.api(
    'GET',
    `/api/workspaces/${env.workspaceId}/blocks/by-key?page=${encodeURIComponent(page)}&key=${key}`,
  );
  if (response.status === 404) return null;
  expect(response.status).toBe(200);
  return (response.body.block.content.markdown as string | undefined) ?? null;
}

interface Observed {
  result: AgentRunResult;
  /** The notifications the run created, in the order it created them. */
  notified: { title: string; body: string }[];
}

async function observe(yaml: string, form: Form, input: Record<string, unknown>): Promise<Observed> {
  const { workflow, sourceMap } = compile(yaml, form);
  const before = new Set((await notifications()).map((n) => n.id));
  const result = await runAgent({ workflow, sourceMap: sourceMap!, credentials: env.credentials, input });
  const notified = (await notifications()).filter((n) => !before.has(n.id)).map(({ title, body }) => ({ title, body }));
  return { result, notified };
}

/** Ids the workspace gives what a run creates (notifications, blocks): new ones each run. */
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function withoutFreshIds(value: unknown): unknown {
  if (typeof value === 'string') return ID.test(value) ? '<id>' : TIME.test(value) ? '<time>' : value;
  if (Array.isArray(value)) return value.map(withoutFreshIds);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutFreshIds(v)]));
  return value;
}

function withoutVersions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutVersions);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'version' ? typeof v : withoutVersions(v)]),
    );
  return value;
}

/** The run as a user sees it: status, value, the error's message and step (not the node, named per form). */
function outcome({ result }: Observed) {
  return {
    status: result.status,
    output: withoutFreshIds(result.output),
    // Each run writes to a page of its own (`Forms <n>`).
    error: result.error
      ? { message: result.error.message.replace(/Forms \d+/g, '<page>'), step: result.error.step }
      : undefined,
  };
}

/** Agents whose forEach is straight (cli/src/fixtures/foreach): the n8n lane runs them on n8n too. */
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'foreach', `${name}.yaml`), 'utf8');

/** Outreach Automaton's search, then one write per creator (its drafts without the model). */
const canvasPerCreator = fixture('canvas-per-creator');

/** Two steps per item: a read that continues on error (no recent video ids fails it), then one notification. */
const statsThenNotify = fixture('stats-then-notify');

/** One model call per item (a token budget could stop the run after it: the only ordered step). */
const classifyEach = fixture('classify-each');

let runId = 0;

describe('forEach: the straight chain runs as Loop Over Items did', () => {
  it('Outreach Automaton keeps Loop Over Items (a model call and a canvas write per creator); the straight agents below do not', () => {
    const outreach = readFileSync(join(examplesDir, 'outreach-automaton.yaml'), 'utf8');
    expect(forms(compile(outreach, 'auto').ir)).toEqual(['loop']);
    expect(compile(outreach, 'auto').json).toBe(compile(outreach, 'loop').json);
    for (const yaml of [canvasPerCreator, statsThenNotify, classifyEach]) {
      const auto = compile(yaml, 'auto').workflow;
      expect(forms(compile(yaml, 'auto').ir)).toEqual(['straight']);
      expect(auto.nodes.map((n) => n.type)).not.toContain('n8n-nodes-base.splitInBatches');
      expect(compile(yaml, 'loop').workflow.nodes.map((n) => n.type)).toContain('n8n-nodes-base.splitInBatches');
    }
  });

  it.each([
    ['3 creators', 3],
    ['1 creator', 1],
    ['no creator', 0],
    ['6 creators', 6],
  ])('canvas write per creator, %s: same output and same block', async (_label, maxCreators) => {
    const runs: Record<Form, { outcome: ReturnType<typeof outcome>; markdown: string | null }> = {} as never;
    for (const form of ['loop', 'auto'] as const) {
      const page = `Forms ${++runId}`;
      const observed = await observe(canvasPerCreator, form, { maxCreators, page, block: 'drafts' });
      runs[form] = { outcome: outcome(observed), markdown: await blockMarkdown(page, 'drafts') };
    }
    expect(runs.auto).toEqual(runs.loop);
    const value = runs.loop.outcome.output as { count: number; entries: { creator: { handle: string } }[] };
    expect(runs.loop.outcome.status).toBe('success');
    expect(value.count).toBe(maxCreators);
    if (maxCreators === 0) expect(runs.loop.markdown).toBeNull();
    else {
      // Each entry's section, in item order, is in the block: the loop variable and `loop` resolved per item.
      const sections = value.entries.map((e, i) => `### @${e.creator.handle} (${i + 1}/${maxCreators}`);
      const positions = sections.map((s) => runs.loop.markdown!.indexOf(s));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
  });

  it.each([
    ['the first', 0],
    ['the third', 2],
  ])(
    'a write that fails at %s creator stops both at the same item, with the same error and the same block',
    async (_label, failAt) => {
      const runs: Record<Form, unknown> = {} as never;
      for (const form of ['loop', 'auto'] as const) {
        const page = `Forms ${++runId}`;
        const observed = await observe(canvasPerCreator, form, { maxCreators: 4, page, block: 'drafts', failAt });
        runs[form] = { outcome: outcome(observed), markdown: await blockMarkdown(page, 'drafts') };
      }
      expect(runs.auto).toEqual(runs.loop);
      const loop = runs.loop as { outcome: ReturnType<typeof outcome>; markdown: string | null };
      expect(loop.outcome.status).toBe('error');
      expect(loop.outcome.error?.step).toBe('save');
      expect(loop.markdown === null ? 0 : loop.markdown.split('### @').length - 1).toBe(failAt);
    },
  );

  it.each([
    ['4 creators', 4],
    ['1 creator', 1],
    ['no creator', 0],
  ])(
    'a read that continues on error, then a notification, %s: same output and notifications in order',
    async (_label, maxCreators) => {
      const runs: Record<Form, { outcome: ReturnType<typeof outcome>; notified: { title: string; body: string }[] }> =
        {} as never;
      for (const form of ['loop', 'auto'] as const) {
        const observed = await observe(statsThenNotify, form, { maxCreators, tag: 'T' });
        runs[form] = { outcome: outcome(observed), notified: observed.notified };
      }
      expect(runs.auto).toEqual(runs.loop);
      expect(runs.loop.outcome.status).toBe('success');
      const entries = runs.loop.outcome.output as { creator: { handle: string }; stats: { error?: string } }[];
      expect(entries).toHaveLength(maxCreators);
      // The first creator's stats fail (no ids: the step needs at least one) and the run goes on: onError continue.
      if (maxCreators > 0) expect(typeof entries[0]!.stats.error).toBe('string');
      if (maxCreators > 1) expect(entries[1]!.stats.error).toBeUndefined();
      expect(runs.loop.notified.map((n) => n.title)).toEqual([
        ...entries.map((e, i) => `T @${e.creator.handle} ${i + 1}/${maxCreators}`),
        `T done: ${maxCreators}`,
      ]);
      // Each notification carries its own creator's stats (paired items across the chain).
      runs.loop.notified
        .slice(0, maxCreators)
        .forEach((n, i) => expect(withoutFreshIds(JSON.parse(n.body))).toEqual(entries[i]!.stats));
    },
  );

  it.each([
    ['3 creators', 3],
    ['no creator', 0],
  ])('a model call per creator, %s: same labels', async (_label, maxCreators) => {
    const [loop, auto] = [
      outcome(await observe(classifyEach, 'loop', { maxCreators })),
      outcome(await observe(classifyEach, 'auto', { maxCreators })),
    ];
    expect(auto).toEqual(loop);
    expect(loop.status).toBe('success');
    const labels = loop.output as { label: string }[];
    expect(labels).toHaveLength(maxCreators);
    for (const label of labels) expect(['large', 'small']).toContain(label.label);
  });
});

/**
 * Outreach Automaton keeps Loop Over Items, in a shorter shape than the compiler wrote before (no "has items" IF on
 * the way in, no "empty" Set and Merge on the way out: 12 nodes instead of 14). The workflow compiled before is kept
 * as a fixture (what deployed n8n instances still hold): both run here with the same inputs, and the decompiler still
 * reads it back to the same agent.
 */
describe('Outreach Automaton: the loop as compiled now and as compiled before', () => {
  const before = JSON.parse(
    readFileSync(join(__dirname, 'fixtures', 'foreach', 'outreach-automaton.before.n8n.json'), 'utf8'),
  ) as N8nWorkflow;
  const yaml = readFileSync(join(examplesDir, 'outreach-automaton.yaml'), 'utf8');

  it('the workflow compiled before decompiles to the same agent as the one compiled now', () => {
    const now = compile(yaml, 'auto');
    expect(before.nodes).toHaveLength(14);
    expect(now.workflow.nodes).toHaveLength(12);
    const read = decompileWorkflow(before);
    expect(read.diagnostics).toEqual([]);
    expect(compileAgent(read.yaml!).json).toBe(now.json);
  });

  async function draftsBlock(): Promise<string> {
    return (await blockMarkdown('Outreach Automaton', 'outreach-drafts')) ?? '';
  }

  it.each([
    ['3 creators (the defaults)', {}],
    ['no creator (a niche nobody is in)', { niche: 'qqzzxv' }],
  ])('%s: same output, same drafts appended', async (_label, input) => {
    const runs: { outcome: ReturnType<typeof outcome>; appended: string }[] = [];
    for (const workflow of [before, compile(yaml, 'auto').workflow]) {
      const start = await draftsBlock();
      const result = await runAgent({ workflow, credentials: env.credentials, input });
      const after = await draftsBlock();
      expect(after.startsWith(start)).toBe(true);
      // A block's version counts its writes; an append after earlier text starts with a line break.
      runs.push({
        outcome: outcome({ result: { ...result, output: withoutVersions(result.output) }, notified: [] }),
        appended: after.slice(start.length).replace(/^\n+/, ''),
      });
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0]!.outcome.status).toBe('success');
    const drafts = runs[0]!.outcome.output as { creator: { handle: string } }[];
    expect(drafts).toHaveLength('niche' in input ? 0 : 3);
    for (const [i, d] of drafts.entries()) expect(runs[0]!.appended).toContain(`### @${d.creator.handle} (${i + 1}/3)`);
  });
});

/**
 * What `forEachForm`'s rules prevent: the same agents compiled straight regardless (`unordered`) run differently from
 * Loop Over Items, and `auto` keeps the loop for them.
 */
describe('forEach: bodies that must keep Loop Over Items', () => {
  const creatorsAgent = (name: string, body: string) => `apiVersion: ionflux/v1
kind: Agent
metadata: { name: ${name}, version: 1.0.0 }
spec:
  inputs:
    tag: { type: string }
  connections:
    creator: { type: tiktok }
  trigger: { manual: {} }
  steps:
    - id: search
      uses: tiktok.creators.search
      with: { niche: fashion, limit: 3 }
    - id: each
      forEach: "{{ steps.search.output.creators }}"
      as: creator
      steps:
${body}`;

  it('two writes per item: the loop notifies A, B for each creator in turn; straight would notify every A first', async () => {
    const yaml = creatorsAgent(
      'two-writes',
      `        - id: a
          uses: notify
          with: { title: "{{ inputs.tag }} A @{{ creator.handle }}" }
        - id: b
          uses: notify
          with: { title: "{{ inputs.tag }} B @{{ creator.handle }}" }
`,
    );
    const titles = async (form: Form) => {
      const tag = `order-${++runId}`;
      const observed = await observe(yaml, form, { tag });
      expect(observed.result.status).toBe('success');
      return observed.notified.map((n) => n.title.replace(tag, '<tag>'));
    };
    const loop = await titles('loop');
    const handles = [...new Set(loop.map((t) => t.split('@')[1]))];
    expect(handles).toHaveLength(3);
    expect(loop).toEqual(handles.flatMap((h) => [`<tag> A @${h}`, `<tag> B @${h}`]));
    expect(await titles('auto')).toEqual(loop);
    expect(await titles('unordered')).toEqual([
      ...handles.map((h) => `<tag> A @${h}`),
      ...handles.map((h) => `<tag> B @${h}`),
    ]);
  });

  it('a read that can fail before a write: when the read fails for the second creator, the loop has notified the first; straight, nobody', async () => {
    // 7714469428172452548: a video of the sandbox's TikTok data (seed 42); no ids at all fails the step.
    const yaml = creatorsAgent(
      'read-then-write',
      `        - id: stats
          uses: tiktok.videos.stats
          with: { ids: "{{ loop.index == 1 ? [] : ['7714469428172452548'] }}" }
        - id: tell
          uses: notify
          with: { title: "{{ inputs.tag }} @{{ creator.handle }}" }
`,
    );
    const run = async (form: Form) => {
      const tag = `fail-${++runId}`;
      const observed = await observe(yaml, form, { tag });
      return { ...outcome(observed), notified: observed.notified.length };
    };
    const loop = await run('loop');
    expect(loop).toMatchObject({ status: 'error', error: { step: 'stats' }, notified: 1 });
    expect(await run('auto')).toEqual(loop);
    expect(await run('unordered')).toMatchObject({ status: 'error', error: { step: 'stats' }, notified: 0 });
  });
});
