import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileAgent, forEachForm, forEachStep, ionfluxMetaOf, type N8nWorkflow } from '@ionflux/compiler';
import {
  agentRunFromExecution,
  runAgent,
  startN8nServer,
  tableCredentialResolver,
  type AgentRunResult,
  type N8nExecutionRecord,
  type N8nServer,
} from '@ionflux/engine';
import { runCli } from './main';
import { startSandboxEnvironment, type SandboxEnvironment } from './sandbox-environment';

/**
 * The real-n8n lane (`npm run test:n8n`): every example agent deployed with `ionflux deploy` to n8n 2.41.1 (with
 * IONFLUX's node package installed as a community package), run there (manual ones through n8n's run endpoint,
 * trigger ones by real events: a Shopify order from the sandbox store, a signed chat command, a webhook call), and
 * its output compared with the embedded engine's for the same trigger item. Also: deploying twice leaves one
 * workflow, undeploy removes it, and `pull` brings an edit made through n8n's API back into the YAML file.
 * `IONFLUX_N8N_QUEUE=host:port` runs the same against n8n in queue mode (Redis there, one worker).
 */
const examplesDir = join(__dirname, '..', '..', 'examples', 'agents');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

let env: SandboxEnvironment;
let n8n: N8nServer;

function queueOption(): { redisHost: string; redisPort: number } | undefined {
  const value = process.env.IONFLUX_N8N_QUEUE;
  if (!value) return undefined;
  const [host, port] = value.split(':');
  return { redisHost: host!, redisPort: Number(port) };
}

beforeAll(async () => {
  const tarball = process.env.IONFLUX_N8N_TARBALL;
  if (!tarball) throw new Error('IONFLUX_N8N_TARBALL is not set: run this lane with npm run test:n8n.');
  env = await startSandboxEnvironment();
  const queue = queueOption();
  n8n = await startN8nServer({
    tarball,
    ...(queue ? { queue } : {}),
    // The IONFLUX nodes reach loopback hosts only when allowed: the sandbox and the server are on loopback here.
    env: { IONFLUX_SANDBOX_ORIGINS: env.url },
  });
}, 600_000);

afterAll(async () => {
  await n8n?.stop();
  await env?.close();
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: process.cwd(),
    env: {},
    isTTY: false,
  });
  return { code, stdout, stderr };
}

const target = () => ['--n8n-url', n8n.url, '--n8n-api-key', n8n.apiKey];

async function deploy(file: string, extra: string[] = []) {
  const result = await cli([
    'deploy',
    file,
    ...target(),
    '--sandbox',
    '--server',
    env.url,
    '--token',
    env.apiToken,
    '--format',
    'json',
    ...extra,
  ]);
  if (result.code !== 0) throw new Error(`deploy ${file} failed: ${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout) as {
    workflowId: string;
    change: string;
    active: boolean;
    triggers: { node: string; type: string; url: string }[];
    credentials: { name: string; type: string; id: string; created: boolean }[];
  };
}

/** Waits until n8n has a finished execution of the workflow that `known` does not list. */
async function nextExecution(workflowId: string, known: Set<string>): Promise<N8nExecutionRecord> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const executions = await n8n.api.listExecutions(workflowId);
    const fresh = executions.find((e) => !known.has(String(e.id)) && e.status !== 'running' && e.status !== 'new');
    if (fresh) return n8n.api.getExecution(fresh.id);
    if (Date.now() > deadline) throw new Error(`no new execution of workflow ${workflowId} within 120 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function executionIds(workflowId: string): Promise<Set<string>> {
  return new Set((await n8n.api.listExecutions(workflowId)).map((e) => String(e.id)));
}

async function waitFinished(id: string): Promise<N8nExecutionRecord> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const execution = await n8n.api.getExecution(id).catch(() => undefined);
    if (execution && execution.finished !== undefined && !['running', 'new', 'waiting'].includes(execution.status))
      return execution;
    if (Date.now() > deadline) throw new Error(`execution ${id} did not finish within 120 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts a run on n8n the way the agent's trigger starts in production; returns the finished execution. */
async function runOnN8n(workflow: N8nWorkflow, deployed: Awaited<ReturnType<typeof deploy>>) {
  const meta = workflow.meta.ionflux;
  const triggerNode = workflow.nodes.find((n) => meta.nodes[n.name]?.role === 'trigger')!;
  const known = await executionIds(deployed.workflowId);
  const url = deployed.triggers[0]?.url;
  switch (triggerNode.type) {
    case 'n8n-nodes-base.manualTrigger':
    case 'n8n-nodes-base.scheduleTrigger':
      return waitFinished(await n8n.session.runWorkflow(deployed.workflowId, triggerNode.name));
    case 'n8n-nodes-base.webhook': {
      const response = await fetch(url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          entry: [
            {
              changes: [
                {
                  value: {
                    contacts: [{ profile: { name: 'Ana' } }],
                    messages: [
                      { from: '15551234567', text: { body: 'My order #1002 arrived damaged and I want a refund' } },
                    ],
                  },
                },
              ],
            },
          ],
        }),
      });
      expect(response.status).toBe(200);
      return nextExecution(deployed.workflowId, known);
    }
    case 'n8n-nodes-ionflux.ionfluxChatTrigger': {
      const body = JSON.stringify({
        command: triggerNode.parameters.command,
        channel: 'general',
        threadId: await newThread(),
        text: '',
        messageId: 'm-lane',
        user: { id: 'u-lane', name: 'Lane' },
      });
      const signature = `sha256=${createHmac('sha256', env.apiToken).update(body).digest('hex')}`;
      const response = await fetch(url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ionflux-signature': signature },
        body,
      });
      // The trigger acknowledges with JSON (n8n would otherwise answer the text 'firstEntryJson').
      expect({ status: response.status, body: await response.json() }).toEqual({
        status: 200,
        body: { received: true, command: triggerNode.parameters.command },
      });
      return nextExecution(deployed.workflowId, known);
    }
    case 'n8n-nodes-ionflux.ionfluxShopifyTrigger': {
      // The sandbox store creates the order and delivers the signed orders/create webhook to its subscribers:
      // the subscription n8n's activation made.
      const created = await fetch(`${env.url}/sandbox/shopify/control/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userToken}` },
        body: JSON.stringify({ total: '150.00' }),
      });
      expect(created.status).toBe(201);
      return nextExecution(deployed.workflowId, known);
    }
    default:
      throw new Error(`no way to start ${triggerNode.type}`);
  }
}

/**
 * A new thread in #general with the same messages each time: a chat agent reads its thread and replies in it, so
 * the two engines each get a thread of their own, equal in content.
 */
async function newThread(): Promise<string> {
  const channels = await env.api('GET', `/api/workspaces/${env.workspaceId}/channels`);
  const general = (channels.body.channels as { id: string; name: string }[]).find((c) => c.name === 'general')!;
  const post = async (text: string, threadRootId?: string) => {
    const sent = await env.api('POST', `/api/workspaces/${env.workspaceId}/channels/${general.id}/messages`, {
      text,
      ...(threadRootId ? { threadRootId } : {}),
    });
    expect(sent.status).toBe(201);
    return String(sent.body.message.id);
  };
  const root = await post('Planning the holiday gift bundle launch.');
  await post('Decision: we keep the $89 price and add free gift wrap.', root);
  await post('Action: Sam updates the product page by Friday.', root);
  await post('Open question: do we discount the bundle again on Cyber Monday?', root);
  return root;
}

/** The run on the embedded engine with the item n8n's trigger produced (the same inputs, the same event). */
async function runEmbedded(workflow: N8nWorkflow, execution: N8nExecutionRecord): Promise<AgentRunResult> {
  const meta = workflow.meta.ionflux;
  const triggerNode = workflow.nodes.find((n) => meta.nodes[n.name]?.role === 'trigger')!;
  const item = { ...execution.data!.resultData.runData[triggerNode.name]![0]!.data!.main[0]![0]!.json };
  if (triggerNode.type === 'n8n-nodes-ionflux.ionfluxChatTrigger') item.threadId = await newThread();
  return runAgent({ workflow, trigger: item, credentials: tableCredentialResolver(env.credentialTable) });
}

/**
 * What the server assigns to each write (a chat message's id, a canvas block's id and version, notification ids) differs between two
 * runs that each write: compared as present and of the same type, everything else as is.
 */
function withoutWriteIdentities(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutWriteIdentities);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        ['messageId', 'blockId', 'version', 'notificationIds'].includes(key) && v !== null
          ? `<${typeof v}>`
          : withoutWriteIdentities(v),
      ]),
    );
  return value;
}

const comparable = (result: AgentRunResult) => ({
  status: result.status,
  error: result.error?.message,
  output: withoutWriteIdentities(result.output),
  steps: result.steps.map(({ id, node, status, items, runs }) => ({ id, node, status, items, runs })),
});

describe('example agents on a real n8n', () => {
  it.each(examples)(
    '%s: deployed by ionflux deploy, runs on n8n with the output of the embedded engine',
    async (file) => {
      const path = join(examplesDir, file);
      const { workflow, sourceMap } = compileAgent(readFileSync(path, 'utf8'));
      const trigger = workflow!.nodes.find((n) => workflow!.meta.ionflux.nodes[n.name]?.role === 'trigger')!;
      const activatable = !['n8n-nodes-base.manualTrigger', 'n8n-nodes-base.scheduleTrigger'].includes(trigger.type);
      const deployed = await deploy(path, activatable ? ['--activate'] : []);
      expect(deployed.change).toBe('created');
      expect(deployed.active).toBe(activatable);
      // Every credential the workflow refers to exists in n8n under the referenced name.
      const names = new Set((await n8n.api.listCredentials()).map((c) => `${c.type}/${c.name}`));
      for (const c of deployed.credentials) expect(names).toContain(`${c.type}/${c.name}`);

      const execution = await runOnN8n(workflow!, deployed);
      // In queue mode the run was executed by the worker, not by the main process.
      if (queueOption()) expect(n8n.log()).toContain(`Worker finished execution ${execution.id} (job `);
      const onN8n = agentRunFromExecution({ workflow: workflow!, execution, ...(sourceMap ? { sourceMap } : {}) });
      expect({ status: onN8n.status, error: onN8n.error }).toEqual({ status: 'success', error: undefined });
      const embedded = await runEmbedded(workflow!, execution);
      expect(comparable(onN8n)).toEqual(comparable(embedded));
      expect(onN8n.output).toBeDefined();
    },
  );

  it('deploying again changes nothing and leaves one workflow; undeploy removes it', async () => {
    const path = join(examplesDir, 'inventory-guardian.yaml');
    const first = await deploy(path);
    const second = await deploy(path);
    expect(second).toMatchObject({ workflowId: first.workflowId, change: 'unchanged' });
    expect(second.credentials.every((c) => !c.created)).toBe(true);
    const ofAgent = (await n8n.api.listWorkflows()).filter((w) => ionfluxMetaOf(w)?.agent === 'inventory-guardian');
    expect(ofAgent.map((w) => w.id)).toEqual([first.workflowId]);

    const undeployed = await cli(['undeploy', path, ...target()]);
    expect(undeployed.code).toBe(0);
    expect((await n8n.api.listWorkflows()).some((w) => w.id === first.workflowId)).toBe(false);
    expect((await cli(['undeploy', 'inventory-guardian', ...target()])).code).toBe(1);
  });

  it('pull applies an edit made in n8n onto the YAML file, comments kept, and shows the diff', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionflux-pull-'));
    try {
      const file = join(dir, 'revenue-tracker-lite.yaml');
      copyFileSync(join(examplesDir, 'revenue-tracker-lite.yaml'), file);
      const before = readFileSync(file, 'utf8');
      const deployed = await deploy(file);
      expect((await cli(['pull', deployed.workflowId, file, ...target()])).stdout).toMatch(/is up to date/);

      // An edit through n8n's API, as the editor would save it: the revenue step reads a fixed period.
      const record = await n8n.api.getWorkflow(deployed.workflowId);
      const { workflow } = compileAgent(before);
      const step = record.nodes.find(
        (n) => workflow!.meta.ionflux.nodes[n.name]?.step === 'revenue' && n.type.includes('ionfluxShopify'),
      )!;
      step.parameters = { ...step.parameters, period: 'last_30_days' };
      await n8n.api.updateWorkflow(record.id, {
        name: record.name,
        nodes: record.nodes,
        connections: record.connections,
        settings: record.settings,
      });

      const pulled = await cli(['pull', deployed.workflowId, file, ...target()]);
      expect(pulled.code).toBe(0);
      const after = readFileSync(file, 'utf8');
      const changed = after.split('\n').filter((line) => !before.split('\n').includes(line));
      expect(changed).toHaveLength(1);
      expect(changed[0]).toMatch(/^ +period: "?last_30_days"?$/);
      expect(pulled.stdout).toContain(`+${changed[0]}`);
      expect(pulled.stdout).toContain('-        period: "{{ inputs.period }}"');
      // Every comment of the file is still there.
      for (const line of before.split('\n').filter((l) => l.trimStart().startsWith('#'))) expect(after).toContain(line);
      const recompiled = compileAgent(after).workflow!;
      expect(recompiled.nodes.find((n) => n.name === step.name)!.parameters.period).toBe('last_30_days');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A forEach compiled as a straight chain (items -> Split Out -> body -> collect -> Aggregate, no Loop Over Items) runs
 * on n8n as on the embedded engine: several items, an empty list (Aggregate yields `{ items: [] }` and the steps
 * after still run), a read continuing on error, a model call per item. The agents are cli/src/fixtures/foreach (the
 * embedded-engine comparison with Loop Over Items is foreach-forms.test.ts).
 */
describe('straight forEach on a real n8n', () => {
  const fixtures = join(__dirname, 'fixtures', 'foreach');
  const variants: [string, string, (yaml: string) => string][] = [
    ['canvas-per-creator.yaml', '3 creators', (yaml) => yaml],
    [
      'canvas-per-creator.yaml',
      'no creator',
      (yaml) =>
        yaml
          .replace('name: canvas-per-creator', 'name: canvas-per-creator-empty')
          .replace('maxCreators: { type: integer, default: 3', 'maxCreators: { type: integer, default: 0'),
    ],
    ['stats-then-notify.yaml', '4 creators', (yaml) => yaml],
    ['classify-each.yaml', '3 creators', (yaml) => yaml],
  ];
  it.each(variants)('%s (%s): the output, steps and items of the embedded engine', async (file, _label, vary) => {
    const yaml = vary(readFileSync(join(fixtures, file), 'utf8'));
    const { workflow, ir, sourceMap } = compileAgent(yaml);
    const forms: string[] = [];
    forEachStep(ir!.steps, (step) => step.kind === 'forEach' && forms.push(forEachForm(step).form));
    expect(forms).toEqual(['straight']);
    const dir = mkdtempSync(join(tmpdir(), 'ionflux-straight-'));
    try {
      const path = join(dir, file);
      writeFileSync(path, yaml);
      const deployed = await deploy(path);
      const execution = await runOnN8n(workflow!, deployed);
      const onN8n = agentRunFromExecution({ workflow: workflow!, execution, ...(sourceMap ? { sourceMap } : {}) });
      expect({ status: onN8n.status, error: onN8n.error }).toEqual({ status: 'success', error: undefined });
      const embedded = await runEmbedded(workflow!, execution);
      expect(comparable(onN8n)).toEqual(comparable(embedded));
      expect(onN8n.output).toBeDefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
