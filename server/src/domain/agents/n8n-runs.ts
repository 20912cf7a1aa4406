import { createHash, createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { compileAgent, stableUuid, type CompileResult, type N8nWorkflow } from '@ionflux/compiler';
import type { AgentDocument, InputDefinition } from '@ionflux/dsl';
import { findAgentConfiguration, findAgentRevision } from '../../data-access/agents-repository';
import type { TikTokConnections } from '../connections/tiktok-connections';
import type { AppContext } from '../context';
import { KeyedMutex } from '../keyed-mutex';
import type { ConnectionBinding } from '../model';
import type { Profiles } from '../profiles';
import { checkedAgentOf } from './agent-runs';
import {
  loadEngine,
  type AgentRunResult,
  type CredentialData,
  type CredentialResolver,
  type N8nApiLike,
  type N8nExecution,
  type NodeEvent,
} from './engine';
import { connectionOf, runCredentials } from './run-credentials';

/** The key of a server deployment's identity in its workflow's static data (beside `ionflux`, the agent's meta). */
const SERVER_KEY = 'ionfluxServer';
const SHOPIFY_ACCESS_TOKEN = 'ionfluxShopifyAccessTokenApi';
const LLM_API = 'ionfluxLlmApi';
/**
 * A run's error as the embedded engine words a budget stop, from the LLM node's (which names itself and "the LLM
 * credential's" budgets): "Step 'digest' brought the run to 57 tokens, over the workspace's budget of 12; ...".
 * Undefined when the error is not a budget stop.
 */
function budgetStopMessage(
  message: string,
  node: string,
  step: string | undefined,
  budgets: { tokens?: { owner: string }; usd?: { owner: string } },
): string | undefined {
  const prefix = `Node "${node}" `;
  if (
    !message.startsWith(prefix) ||
    !message.includes("the LLM credential's") ||
    !message.includes('the run was stopped.')
  )
    return undefined;
  let text = `${step ? `Step '${step}'` : `Node "${node}"`} ${message.slice(prefix.length)}`;
  if (budgets.usd) text = text.replace("the LLM credential's USD budget", `${budgets.usd.owner} USD budget`);
  if (budgets.tokens) text = text.replace("the LLM credential's budget", `${budgets.tokens.owner} budget`);
  return text.replace('(Prices on the LLM credential)', '(IONFLUX_TOKEN_PRICES)');
}

interface Deployment {
  workflowId: string;
  url: string;
  /** What was deployed (revision content, credentials, webhook path, server URL): a change redeploys. */
  key: string;
}

/** What a deployment of an agent is made of. */
interface DeployArgs {
  workspaceId: string;
  agentId: string;
  name: string;
  compiled: Compiled;
  contentHash: string;
  credentials: CredentialResolver;
}

interface Compiled {
  workflow: N8nWorkflow;
  sourceMap: NonNullable<CompileResult['sourceMap']>;
}

/** The deployment identity kept in a workflow's static data. */
function serverDataOf(staticData: unknown): { agentId?: string; key?: string } | undefined {
  let value = staticData;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  const data = (value as Record<string, unknown> | null | undefined)?.[SERVER_KEY];
  return data && typeof data === 'object' ? (data as { agentId?: string; key?: string }) : undefined;
}

/**
 * Runs agents on a real n8n server (`IONFLUX_ENGINE=n8n`): each enabled agent configuration is deployed there as a
 * workflow started by a webhook (see `webhookStartedWorkflow`) with its credentials (named `IONFLUX <agent id>
 * <connection>`, the IONFLUX API one reading each run's own token), redeployed when saved, removed when disabled or
 * deleted. A run posts its inputs, connections, trigger item and run token to that webhook, then reads the execution
 * back from n8n's executions API into the run's result and per-node events, as the embedded engine reports them.
 */
export class N8nAgentRuns {
  readonly #ctx: AppContext;
  readonly #profiles: Profiles;
  readonly #tiktok: TikTokConnections | undefined;
  readonly #api: N8nApiLike;
  readonly #mutex = new KeyedMutex();
  readonly #deployments = new Map<string, Deployment>();
  /** n8n credential id and a hash of the data written, by credential name. */
  readonly #credentials = new Map<string, { id: string; hash: string }>();
  readonly #compiled = new Map<string, Compiled>();
  readonly #pending = new Set<Promise<void>>();
  #baseUrl = '';
  #unsubscribe: (() => void) | undefined;

  constructor(
    ctx: AppContext,
    profiles: Profiles,
    tiktok: TikTokConnections | undefined,
    target: { url: string; apiKey: string },
  ) {
    this.#ctx = ctx;
    this.#profiles = profiles;
    this.#tiktok = tiktok;
    const { N8nApi } = loadEngine();
    this.#api = new N8nApi({ baseUrl: target.url, apiKey: target.apiKey });
  }

  /** Starts following saves; `baseUrl` is where n8n reaches this server (the public URL when set). */
  start({ baseUrl }: { baseUrl: string }): void {
    this.#baseUrl = this.#ctx.config.publicUrl ?? baseUrl;
    this.#unsubscribe = this.#ctx.events.on('agent.changed', this.#onChanged);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await Promise.allSettled([...this.#pending]);
  }

  readonly #onChanged = ({ workspaceId, agentId }: { workspaceId: string; agentId: string }): void => {
    const sync = this.sync(workspaceId, agentId).catch((error: unknown) =>
      this.#ctx.logger.error({ err: error, agentId }, 'deploying the agent to n8n failed'),
    );
    this.#pending.add(sync);
    void sync.finally(() => this.#pending.delete(sync));
  };

  /** Deploys the agent's current revision (enabled), or removes its workflow (disabled, suspended or deleted). */
  async sync(workspaceId: string, agentId: string): Promise<void> {
    await this.#mutex.run(agentId, async () => {
      const config = await findAgentConfiguration(this.#ctx.db, { workspaceId, agentId });
      if (!config || !config.enabled) return this.#remove(agentId);
      const revision = await findAgentRevision(this.#ctx.db, { workspaceId, agentId, revision: config.revision });
      if (!revision) return;
      const { agent } = checkedAgentOf(revision.yaml);
      const { credentials } = await runCredentials({
        ctx: this.#ctx,
        profiles: this.#profiles,
        ...(this.#tiktok ? { tiktok: this.#tiktok } : {}),
        workspaceId,
        agent,
        bindings: revision.bindings as Record<string, ConnectionBinding>,
        baseUrl: this.#baseUrl,
        // Deploying resolves the other credentials; each run brings its own token (see `run`).
        runToken: async () => '',
      });
      await this.#deploy({
        workspaceId,
        agentId,
        name: config.name,
        compiled: this.#compile(revision.yaml, revision.content_hash),
        contentHash: revision.content_hash,
        credentials,
      });
    });
  }

  /** The deployment (if any) of an agent, as n8n lists it: for tests and operators. */
  async deployedWorkflowId(agentId: string): Promise<string | undefined> {
    return (await this.#find(agentId))?.id;
  }

  /**
   * Runs one agent run on n8n: makes sure the run's revision is what n8n has, starts it through the webhook and
   * waits for the execution, reporting each node as the embedded engine does (after the fact: n8n reports nodes
   * when the execution ends). Canceled through `signal` (n8n stops the execution) or after `timeoutMs`.
   */
  async run(args: {
    workspaceId: string;
    agentId: string;
    name: string;
    yaml: string;
    contentHash: string;
    agent: AgentDocument;
    input: Record<string, unknown>;
    trigger: unknown;
    accounts: Record<string, string>;
    credentials: CredentialResolver;
    runToken: string;
    /** The run's token and USD budgets and whose they are ("the workspace's"): its model calls on n8n stop at them. */
    budgets: { tokens?: { limit: number; owner: string }; usd?: { limit: number; owner: string } };
    timeoutMs: number;
    signal: AbortSignal;
    onNodeEvent: (event: NodeEvent) => void;
  }): Promise<AgentRunResult> {
    const { resolveInputs, triggerItem, agentRunFromExecution, budgetStopOf, taskUsage, RUN_RESPONSE_NODE } =
      loadEngine();
    const compiled = this.#compile(args.yaml, args.contentHash);
    const meta = compiled.workflow.meta.ionflux;
    const inputs = resolveInputs((meta.inputs ?? {}) as Record<string, InputDefinition>, args.input);
    const connections: Record<string, unknown> = {};
    for (const [name, definition] of Object.entries((meta.connections ?? {}) as Record<string, { type: string }>))
      connections[name] = { name, type: definition.type, account: args.accounts[name] ?? '' };
    const triggerNode = compiled.workflow.nodes.find((n) => meta.nodes[n.name]?.role === 'trigger')!;
    const triggerConnection = connectionOf(Object.values(triggerNode.credentials ?? {})[0] ?? {});
    const trigger = triggerItem({
      triggerType: triggerNode.type,
      parameters: triggerNode.parameters,
      payload: args.trigger,
      ...(triggerConnection && args.accounts[triggerConnection] ? { shop: args.accounts[triggerConnection] } : {}),
    });

    // Deploy and start under the agent's lock (and, with PostgreSQL, every process's: see #deploy): n8n loads the
    // workflow when the execution starts, so a deploy of another revision (a concurrent run, a save, here or in
    // another process) never changes what this run executes.
    const deployArgs = {
      workspaceId: args.workspaceId,
      agentId: args.agentId,
      name: args.name,
      compiled,
      contentHash: args.contentHash,
      credentials: args.credentials,
    };
    const executionId = await this.#mutex.run(args.agentId, () =>
      this.#deploy(deployArgs, async (deployment) => {
        const response = await fetch(deployment.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            inputs,
            connections,
            trigger,
            runToken: args.runToken,
            ...(args.budgets.tokens ? { tokenBudget: args.budgets.tokens.limit } : {}),
            ...(args.budgets.usd ? { usdBudget: args.budgets.usd.limit } : {}),
          }),
          signal: AbortSignal.timeout(args.timeoutMs),
        });
        const text = await response.text();
        const started = (() => {
          try {
            return JSON.parse(text) as { executionId?: string | number };
          } catch {
            return {};
          }
        })();
        if (!response.ok || started.executionId === undefined)
          throw new Error(`n8n did not start the run (${response.status} from its webhook): ${text.slice(0, 300)}`);
        return started.executionId;
      }),
    );

    // Each node n8n has finished is reported once, as soon as a poll sees it (n8n saves the execution after each
    // node: see `webhookStartedWorkflow`), in the order the nodes started; the rest when the execution ends. None
    // after a node whose model call went over the run's budget: the run stopped there (the nodes n8n still ran past
    // a step that continues on error did nothing), as on the embedded engine.
    const reported = new Set<string>();
    let budgetStopped = false;
    const report = (execution: N8nExecution) => {
      const runData = execution.data?.resultData.runData ?? {};
      const tasks = Object.entries(runData)
        .filter(([node]) => node !== RUN_RESPONSE_NODE)
        .flatMap(([node, list]) => list.map((task, index) => ({ node, task, key: `${node}\u0000${index}` })))
        .filter(({ key }) => !reported.has(key))
        .sort((a, b) => a.task.startTime - b.task.startTime);
      for (const { node, task, key } of tasks) {
        if (budgetStopped) return;
        if (budgetStopOf(task)) budgetStopped = true;
        reported.add(key);
        const usage = taskUsage(task);
        const source = meta.nodes[node] as { step?: string; role?: string } | undefined;
        const where = {
          node,
          ...(source?.step ? { step: source.step } : {}),
          ...(source?.role ? { role: source.role } : {}),
        };
        args.onNodeEvent({ type: 'start', ...where, at: task.startTime });
        const outputItems = (task.data?.main ?? []).reduce((sum, items) => sum + (items?.length ?? 0), 0);
        args.onNodeEvent({
          type: 'end',
          ...where,
          at: task.startTime + task.executionTime,
          durationMs: task.executionTime,
          status: task.error ? 'error' : 'success',
          inputItems: 0,
          outputItems,
          ...(task.error
            ? {
                error: {
                  message: task.error.message,
                  ...(task.error.description ? { description: task.error.description } : {}),
                },
              }
            : {}),
          ...(usage ? { usage } : {}),
        });
      }
    };
    const execution = await this.#waitFinished(executionId, args.signal, args.timeoutMs, report);
    report(execution);
    const result = agentRunFromExecution({
      workflow: compiled.workflow,
      execution,
      sourceMap: compiled.sourceMap,
      // Each node's tokens priced by the model that answered, as the embedded engine prices its runs.
      tokenPrices: this.#ctx.config.tokenPrices,
    });
    // The LLM node names itself and its credential; the run names its step and whose budget it is, as the embedded
    // engine does ("Step 'digest' brought the run to 57 tokens, over the workspace's budget of 12; ...").
    if (result.error?.node) {
      const step = (meta.nodes[result.error.node] as { step?: string } | undefined)?.step;
      const message = budgetStopMessage(result.error.message, result.error.node, step, args.budgets);
      if (message) result.error.message = message;
    }
    return result;
  }

  async #waitFinished(
    id: string | number,
    signal: AbortSignal,
    timeoutMs: number,
    onProgress: (execution: N8nExecution) => void,
  ): Promise<N8nExecution> {
    const deadline = Date.now() + timeoutMs;
    let stopAsked = false;
    for (let delay = 20; ; delay = Math.min(250, delay * 2)) {
      if (!stopAsked && (signal.aborted || Date.now() > deadline)) {
        stopAsked = true;
        await this.#api.stopExecution(id).catch(() => undefined);
      }
      const execution = await this.#api.getExecution(id).catch(() => undefined);
      if (execution && !['running', 'new', 'waiting', 'unknown'].includes(execution.status)) return execution;
      if (execution) onProgress(execution);
      if (stopAsked && Date.now() > deadline + 30_000)
        throw new Error(`n8n execution ${id} did not stop within 30 s of its timeout`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  #compile(yaml: string, contentHash: string): Compiled {
    let compiled = this.#compiled.get(contentHash);
    if (compiled) return compiled;
    const result = compileAgent(yaml);
    if (!result.workflow || !result.sourceMap)
      throw new Error(`The agent does not compile: ${result.diagnostics.map((d) => d.message).join('; ')}`);
    compiled = { workflow: result.workflow, sourceMap: result.sourceMap };
    if (this.#compiled.size >= 128) this.#compiled.delete(this.#compiled.keys().next().value!);
    this.#compiled.set(contentHash, compiled);
    return compiled;
  }

  /** The webhook path of an agent's deployment: unguessable (an HMAC of the agent id with the server's key). */
  #webhookPath(agentId: string): string {
    const secret = createHmac('sha256', this.#ctx.jwtKey).update(`n8n-webhook:${agentId}`).digest('hex').slice(0, 32);
    return `ionflux-${agentId}-${secret}`;
  }

  async #find(agentId: string) {
    return (await this.#api.listWorkflows()).find((w) => serverDataOf(w.staticData)?.agentId === agentId);
  }

  /**
   * Runs `fn` (a find-or-create of the agent's workflow or credentials in n8n) alone among every server process
   * sharing this PostgreSQL database: under a transaction-scoped advisory lock keyed by the configuration, so two
   * processes saving or running the same configuration at once never both find nothing and create two workflows.
   * Within one process the callers already hold the agent's `#mutex`, which is all PGlite (one process) needs. `fn`
   * makes no query: the transaction holds one pooled connection, and needing a second could exhaust the pool.
   */
  async #alone<T>(agentId: string, fn: () => Promise<T>): Promise<T> {
    if (this.#ctx.config.database.kind !== 'postgres') return fn();
    return this.#ctx.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`n8n-deployment:${agentId}`}, 0))`.execute(trx);
      return fn();
    });
  }

  /**
   * Creates or updates (and publishes) the agent's workflow and credentials unless n8n already has them, then runs
   * `then` (a run's start) with the deployment, before any other deploy of the agent can change it. Callers hold the
   * agent's `#mutex`.
   *
   * With PostgreSQL, other server processes deploy the same agent too (another revision, saved there or run by a run
   * queued for it), so what this process deployed last may no longer be what n8n has: under the lock, the workflow
   * n8n has is checked (its stored deployment key: revision, name, webhook path, server URL, credentials' data)
   * before it is used, and deployed again when it differs; the run starts under the same lock.
   */
  async #deploy(args: DeployArgs): Promise<Deployment>;
  async #deploy<T>(args: DeployArgs, then: (deployment: Deployment) => Promise<T>): Promise<T>;
  async #deploy<T>(args: DeployArgs, then?: (deployment: Deployment) => Promise<T>): Promise<T | Deployment> {
    const use = then ?? (async (deployment: Deployment) => deployment);
    // Read from the database before the lock (see #alone).
    const credentials = await this.#credentialData(args);
    const key = this.#deploymentKey(args, credentials);
    const deployed = this.#deployments.get(args.agentId);
    // One process (PGlite): what it deployed last is what n8n has, if nothing changed since. Most runs start here.
    if (this.#ctx.config.database.kind !== 'postgres' && deployed?.key === key) return use(deployed);
    return this.#alone(args.agentId, async () => {
      if (this.#ctx.config.database.kind === 'postgres') {
        if (deployed?.key === key) {
          const record = await this.#api.getWorkflow(deployed.workflowId).catch(() => undefined);
          if (record?.active && serverDataOf(record.staticData)?.key === key) return use(deployed);
        }
        // Another process may have deployed something else since (another revision, other credentials): what this
        // process knows of the agent's credentials may be stale too, so they are found and written again.
        this.#forgetCredentials(args.agentId);
      }
      return use(await this.#deployWorkflow(args, key, await this.#syncCredentials(args, credentials)));
    });
  }

  /** Forgets what this process knows of the agent's credentials in n8n (their ids and data). */
  #forgetCredentials(agentId: string): void {
    const prefix = this.#credentialName(agentId, '');
    for (const cacheKey of [...this.#credentials.keys()])
      if (cacheKey.slice(cacheKey.indexOf('\u0000') + 1).startsWith(prefix)) this.#credentials.delete(cacheKey);
  }

  /** What is deployed: the revision, its name, the webhook path, this server's URL and the credentials' data. */
  #deploymentKey(args: DeployArgs, credentials: { type: string; name: string; hash: string }[]): string {
    return createHash('sha256')
      .update(
        JSON.stringify([
          args.contentHash,
          args.name,
          this.#webhookPath(args.agentId),
          this.#baseUrl,
          credentials.map(({ type, name, hash }) => `${type}\u0000${name}\u0000${hash}`).sort(),
        ]),
      )
      .digest('hex');
  }

  /**
   * Creates or updates (and publishes) the agent's workflow unless n8n has it (`key`: see #deploymentKey); `ids`: its
   * credentials in n8n.
   */
  async #deployWorkflow(args: DeployArgs, key: string, ids: Map<string, string>): Promise<Deployment> {
    const { webhookStartedWorkflow } = loadEngine();
    const { workflow } = args.compiled;
    const path = this.#webhookPath(args.agentId);
    const url = `${this.#api.baseUrl}/webhook/${path}`;
    const record = await this.#find(args.agentId);
    let workflowId: string;
    if (record && serverDataOf(record.staticData)?.key === key && record.active) {
      workflowId = record.id;
    } else {
      const body = webhookStartedWorkflow({
        workflow,
        name: `${args.name} (IONFLUX ${args.agentId.slice(0, 8)})`,
        path,
        webhookId: stableUuid(`ionflux-server/${args.agentId}`),
        credentials: ({ type, name }) => ({
          id: ids.get(`${type}\u0000${name}`)!,
          name: this.#credentialName(args.agentId, name),
        }),
        staticData: { [SERVER_KEY]: { agentId: args.agentId, workspaceId: args.workspaceId, key } },
      });
      const saved = record ? await this.#api.updateWorkflow(record.id, body) : await this.#api.createWorkflow(body);
      workflowId = saved.id;
      // Activation publishes the saved version (n8n 2.x serves the published one).
      await this.#api.activateWorkflow(workflowId);
    }
    const deployment = { workflowId, url, key };
    this.#deployments.set(args.agentId, deployment);
    return deployment;
  }

  /** The server's prices (IONFLUX_TOKEN_PRICES) in that form again, for the LLM credentials' USD budgets. */
  #prices(): string {
    return Object.entries(this.#ctx.config.tokenPrices)
      .map(([model, price]) => `${model}=${price.prompt}/${price.completion}`)
      .join(',');
  }

  #credentialName(agentId: string, name: string): string {
    return `IONFLUX ${agentId} ${name}`;
  }

  /**
   * The data of the credentials the agent's workflow refers to (and its hash), as n8n gets it: resolved from the
   * configuration's bindings; the IONFLUX API credential reads each run's token.
   */
  async #credentialData(
    args: DeployArgs,
  ): Promise<{ type: string; name: string; data: CredentialData; hash: string }[]> {
    const { credentialReferences, ionfluxCredentialId, runBudgetCredentialData, runTokenCredentialData } = loadEngine();
    const { workflow } = args.compiled;
    const sources = workflow.meta.ionflux.nodes;
    const inputsNode = workflow.nodes.find((n) => sources[n.name]?.role === 'inputs')!.name;
    const list: { type: string; name: string; data: CredentialData; hash: string }[] = [];
    for (const { type, name } of credentialReferences(workflow)) {
      const node = workflow.nodes.find((n) => n.credentials?.[type]?.name === name)!;
      let data: CredentialData;
      if (type === 'ionfluxApi') data = runTokenCredentialData({ baseUrl: this.#baseUrl, inputsNode });
      else {
        data = await args.credentials({
          reference: { id: ionfluxCredentialId(name), name },
          type,
          node: { name: node.name, type: node.type },
        });
        // A Shopify store connected through OAuth: n8n gets its current access token (IONFLUX keeps refreshing it).
        const oauth = data.oauthTokenData as { access_token?: unknown } | undefined;
        if (type === SHOPIFY_ACCESS_TOKEN && typeof oauth?.access_token === 'string')
          data = {
            shopDomain: data.shopDomain,
            ...(data.baseUrl ? { baseUrl: data.baseUrl } : {}),
            apiVersion: data.apiVersion,
            accessToken: oauth.access_token,
            appSecret: '',
          };
        // Each execution's model calls stop at its run's token budget (sent with the run, read from Inputs).
        if (type === LLM_API) data = { ...data, ...runBudgetCredentialData({ inputsNode, prices: this.#prices() }) };
      }
      list.push({ type, name, data, hash: createHash('sha256').update(JSON.stringify(data)).digest('hex') });
    }
    return list;
  }

  /**
   * The agent's credentials in n8n, created or updated when their data changed (a Brand reconnected, say): by
   * compiled reference (`type` NUL name) -> n8n credential id.
   */
  async #syncCredentials(
    args: DeployArgs,
    credentials: { type: string; name: string; data: CredentialData; hash: string }[],
  ): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    let existing: { id: string; name: string; type: string }[] | undefined;
    for (const { type, name, data, hash } of credentials) {
      const credentialName = this.#credentialName(args.agentId, name);
      const cacheKey = `${type}\u0000${credentialName}`;
      let known = this.#credentials.get(cacheKey);
      if (!known) {
        existing ??= await this.#api.listCredentials();
        const found = existing.find((c) => c.name === credentialName && c.type === type);
        if (found) known = { id: found.id, hash: '' };
      }
      if (!known) {
        const created = await this.#api.createCredential({ name: credentialName, type, data });
        known = { id: created.id, hash };
      } else if (known.hash !== hash) {
        await this.#api.updateCredential(known.id, { name: credentialName, type, data });
        known = { id: known.id, hash };
      }
      this.#credentials.set(cacheKey, known);
      ids.set(`${type}\u0000${name}`, known.id);
    }
    return ids;
  }

  /** Removes the agent's workflow (deactivated first) and its credentials. Callers hold the agent's `#mutex`. */
  async #remove(agentId: string): Promise<void> {
    return this.#alone(agentId, () => this.#removeAlone(agentId));
  }

  async #removeAlone(agentId: string): Promise<void> {
    this.#deployments.delete(agentId);
    const record = await this.#find(agentId);
    if (record) {
      if (record.active) await this.#api.deactivateWorkflow(record.id);
      await this.#api.deleteWorkflow(record.id);
    }
    const prefix = this.#credentialName(agentId, '');
    for (const credential of await this.#api.listCredentials()) {
      if (!credential.name.startsWith(prefix)) continue;
      await this.#api.deleteCredential(credential.id);
      this.#credentials.delete(`${credential.type}\u0000${credential.name}`);
    }
  }
}
