import type { TikTokConnections } from '../connections/tiktok-connections';
import { randomUUID } from 'node:crypto';
import { compileAgent, type CompileResult, type N8nWorkflow } from '@ionflux/compiler';
import {
  cancelRequestedAmong,
  claimRuns,
  findRevisionSource,
  finishRuns,
  heartbeatRuns,
  recoverInterruptedRuns,
  toAgentRun,
  type ClaimArgs,
  type ClaimedRunRow,
  type ClaimResult,
  type RevisionSource,
  type RunEnd,
} from '../../data-access/runs-repository';
import { BoundedCache } from '../bounded-cache';
import { GroupCommit } from '../group-commit';
import type { AppContext, StepEnd } from '../context';
import type { AgentRun, AgentRunStep, ConnectionBinding } from '../model';
import type { Profiles } from '../profiles';
import { checkedAgentOf } from './agent-runs';
import {
  loadEngine,
  type AgentRunResult,
  type CredentialUpdate,
  type EnginePoolLike,
  type NodeEvent,
  type TokenUsage,
} from './engine';
import { N8nAgentRuns } from './n8n-runs';
import { connectionOf, runCredentials, type OAuthConnection } from './run-credentials';
import { signRunToken } from './run-tokens';

interface CompiledAgent {
  workflow: N8nWorkflow;
  sourceMap: NonNullable<CompileResult['sourceMap']>;
  /** Nodes that stand for an agent step (the m of "step n of m"). */
  stepCount: number;
  timeoutMs: number;
}

interface ExecutingRun {
  abort: AbortController;
  workspaceId: string;
  /** Set when this process stops while the run is going: the run is left for recovery, not finished here. */
  abandoned: boolean;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** The most run ends one finish statement writes (group commit, see {@link GroupCommit}). */
const FINISH_BATCH = 64;

const SHOPIFY_ACCESS_TOKEN = 'ionfluxShopifyAccessTokenApi';
const SHOPIFY_OAUTH2 = 'ionfluxShopifyOAuth2Api';
/** Workflows with their Shopify nodes on the OAuth2 credential, per compiled workflow and set of connections. */
const oauthVariants = new WeakMap<N8nWorkflow, Map<string, N8nWorkflow>>();

/**
 * The workflow with the Shopify nodes of `connections` on the OAuth2 credential (`authentication: oAuth2`), which
 * n8n refreshes on a 401. Kept per compiled workflow, so the engine's prepared state is reused across runs.
 */
function withShopifyOAuth(workflow: N8nWorkflow, connections: Map<string, unknown>): N8nWorkflow {
  const key = [...connections.keys()].sort().join('\u0000');
  let variants = oauthVariants.get(workflow);
  const cached = variants?.get(key);
  if (cached) return cached;
  const variant = structuredClone(workflow);
  for (const node of variant.nodes as {
    parameters: Record<string, unknown>;
    credentials?: Record<string, { id?: string | null; name?: string }>;
  }[]) {
    const reference = node.credentials?.[SHOPIFY_ACCESS_TOKEN];
    if (!reference || !connections.has(connectionOf(reference))) continue;
    node.parameters = { ...node.parameters, authentication: 'oAuth2' };
    const { [SHOPIFY_ACCESS_TOKEN]: _, ...others } = node.credentials!;
    node.credentials = { ...others, [SHOPIFY_OAUTH2]: reference };
  }
  if (!variants) oauthVariants.set(workflow, (variants = new Map()));
  variants.set(key, variant);
  return variant;
}

/** The step a node stands for: an agent step, or the output's canvas / chat delivery; null for plumbing nodes. */
function stepOf(source: { step?: string; role?: string }): string | null {
  if (source.step) return source.step;
  if (source.role === 'output-canvas') return 'output.canvas';
  if (source.role === 'output-chat') return 'output.chat';
  return null;
}

interface RunBudget {
  limit: number;
  /** Whose budget it is, as the error stopping a run names it: "the workspace's". */
  owner: string;
}

interface RunBudgets {
  tokens: RunBudget | undefined;
  usd: RunBudget | undefined;
}

/** The lowest of the budgets that are set (the first one on a tie). */
function tightestBudget(candidates: { limit: number | null; owner: string }[]): RunBudget | undefined {
  let tightest: RunBudget | undefined;
  for (const { limit, owner } of candidates)
    if (limit !== null && (tightest === undefined || limit < tightest.limit)) tightest = { limit, owner };
  return tightest;
}

/**
 * Token counts with their estimated cost, per step and in total: the engine's cost of the calls (each priced by the
 * model that answered it) when it priced them, else the credential's model's price over all tokens.
 */
export function usageWithCost(
  result: Pick<AgentRunResult, 'usage' | 'steps' | 'costUsd'>,
  price: { prompt: number; completion: number } | undefined,
): NonNullable<AgentRun['usage']> {
  const cost = (u: TokenUsage) =>
    price ? (u.promptTokens * price.prompt + u.completionTokens * price.completion) / 1_000_000 : 0;
  return {
    promptTokens: result.usage.promptTokens,
    completionTokens: result.usage.completionTokens,
    totalTokens: result.usage.totalTokens,
    estimatedCostUsd: Number((result.costUsd ?? cost(result.usage)).toFixed(6)),
    steps: result.steps
      .filter((s) => s.usage)
      .map((s) => ({
        step: s.id,
        promptTokens: s.usage!.promptTokens,
        completionTokens: s.usage!.completionTokens,
        totalTokens: s.usage!.totalTokens,
      })),
  };
}

/**
 * Executes queued runs: claims them from PostgreSQL (per-workspace limit, oldest first), runs each on the engine pool
 * with its own credentials and run token, streams progress as domain events, and stores the outcome. Heartbeats its
 * running runs, forwards cancellations requested through any process, and recovers runs a stopped process left
 * running. Several processes can share one database: each claims with FOR UPDATE SKIP LOCKED under an advisory lock.
 */
export class RunExecutor {
  readonly instanceId = randomUUID();
  readonly #ctx: AppContext;
  readonly #profiles: Profiles;
  readonly #executing = new Map<string, ExecutingRun>();
  readonly #compiled = new Map<string, CompiledAgent>();
  /** Revisions' YAML and bindings by workspace/agent/revision (a revision never changes): read once, not per run. */
  readonly #sources = new BoundedCache<RevisionSource>({
    maxEntries: 256,
    maxWeight: 16_000_000,
    weigh: (source) => 2 * source.yaml.length + JSON.stringify(source.bindings).length + 200,
  });
  #pool: EnginePoolLike | undefined;
  #baseUrl = '';
  #timers: NodeJS.Timeout[] = [];
  #ticking = false;
  #again = false;
  #stopped = true;
  #idleWaiters: (() => void)[] = [];
  /** Run ends (group commit): runs ending while a finish statement is in flight are written by the next one. */
  readonly #finishes: GroupCommit<RunEnd, boolean>;
  /**
   * Whether the last claim left queued runs behind (held back by a limit or a serialization key, or by the free
   * slots): only then does a run ending claim again. Runs queued later wake a claim themselves (this process's at
   * once, another process's at the next poll).
   */
  #backlog = true;
  /** A run ended while a claim was in flight: if that claim leaves runs behind, claim again (its snapshot is older). */
  #freedDuringClaim = false;
  /**
   * Slots promised to claims in flight (this process's own, and those of the statements that queue runs, see
   * {@link reserveSlots}): no two claims count the same free slot.
   */
  #reserved = 0;
  /** A claim was wanted while every free slot was promised to a claim in flight: claim again once it is answered. */
  #wakeAfterClaims = false;
  /** Slots given by {@link reserveSlots} that were every free slot at the time. */
  readonly #allFree = new WeakSet<ClaimArgs>();

  readonly #tiktok: TikTokConnections | undefined;
  /** With `IONFLUX_ENGINE=n8n`: runs execute on that n8n server instead of the engine pool. */
  readonly n8n: N8nAgentRuns | undefined;

  constructor(ctx: AppContext, profiles: Profiles, tiktok?: TikTokConnections) {
    this.#ctx = ctx;
    this.#profiles = profiles;
    this.#tiktok = tiktok;
    this.#finishes = new GroupCommit({
      maxBatch: FINISH_BATCH,
      maxInFlight: ctx.config.database.kind === 'postgres' ? 2 : 1,
      write: (ends) => finishRuns(ctx.db, ends),
    });
    const engine = ctx.config.engine;
    this.n8n = engine.kind === 'n8n' ? new N8nAgentRuns(ctx, profiles, tiktok, engine) : undefined;
  }

  /** Whether other processes may use the same database (a PostgreSQL server). */
  get #shared(): boolean {
    return this.#ctx.config.database.kind === 'postgres';
  }

  /** Stops a run this process executes (cancellation); other processes see the request at their heartbeat. */
  abortRun(runId: string): void {
    this.#executing.get(runId)?.abort.abort();
  }

  isExecuting(runId: string): boolean {
    return this.#executing.has(runId);
  }

  get executingCount(): number {
    return this.#executing.size;
  }

  /** Starts polling; `baseUrl` is where this server listens (nodes call back there with their run token). */
  async start({ baseUrl }: { baseUrl: string }): Promise<void> {
    this.#baseUrl = baseUrl;
    this.#stopped = false;
    this.n8n?.start({ baseUrl });
    // An embedded (PGlite) database belongs to this process alone: whatever it finds running was interrupted.
    await this.#recover(!this.#shared);
    // Another process may queue runs only on a PostgreSQL server; an embedded database is this process's alone, and
    // every run it queues wakes the executor directly.
    if (this.#shared) this.#timers.push(setInterval(() => this.wake(), this.#ctx.config.runPollMs).unref());
    this.#timers.push(setInterval(() => void this.#heartbeat(), this.#ctx.config.runHeartbeatMs).unref());
    this.wake();
  }

  /** Slots neither executing nor promised to a claim in flight. */
  get #free(): number {
    return this.#ctx.config.runSlots - this.#executing.size - this.#reserved;
  }

  #reserve(slots: number): void {
    if (this.#reserved === 0) this.#freedDuringClaim = false;
    this.#reserved += slots;
  }

  /**
   * Ends a claim that was promised `reserved` slots: starts the runs it claimed, then says whether to claim again,
   * when runs may be waiting for slots (it left runs behind, or filled every free slot it had: `allFree`) and a slot
   * may be free for them (it did not fill all it had, or a run ended meanwhile).
   */
  #claimed(reserved: number, allFree: boolean, result: ClaimResult | undefined): boolean {
    // Claimed as this process stopped: left `running` for recovery (like the runs it abandons).
    if (!this.#stopped) for (const row of result?.runs ?? []) this.#launch(row);
    this.#reserved -= reserved;
    let again = false;
    if (result) {
      const filled = result.runs.length === reserved;
      this.#backlog = result.moreQueued || (allFree && filled);
      again = this.#backlog && (filled || this.#freedDuringClaim);
    } else this.#backlog = true;
    if (this.#wakeAfterClaims && this.#reserved === 0) {
      this.#wakeAfterClaims = false;
      again = true;
    }
    return again;
  }

  /**
   * Free slots of this process for a statement that queues `queuing` runs to claim queued ones with (runs started
   * here claim themselves without a claim statement of their own); undefined when none is free. The slots stay promised
   * until {@link claimedWithQueue} is called with the claim's answer (or undefined if the statement failed).
   */
  reserveSlots(queuing: number): ClaimArgs | undefined {
    // As many as runs are being queued, unless older ones wait too: then every free slot (the claim takes the oldest
    // first). A statement queuing at the same time (on PostgreSQL) then finds slots of its own.
    const free = this.#free;
    const max = this.#backlog ? free : Math.min(free, queuing);
    if (this.#stopped || max <= 0) return undefined;
    this.#reserve(max);
    const slots = { instanceId: this.instanceId, max, workspaceLimit: this.#ctx.config.runWorkspaceConcurrency };
    if (max === free) this.#allFree.add(slots);
    return slots;
  }

  /** Starts the runs a statement that queued runs claimed with slots from {@link reserveSlots}. */
  claimedWithQueue(slots: ClaimArgs, result: ClaimResult | undefined): void {
    if (this.#claimed(slots.max, this.#allFree.has(slots), result) || !result) this.wake();
  }

  /** Claims and starts runs soon (coalesced). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = true;
    setImmediate(() => void this.#tick());
  }

  /**
   * Stops claiming and waits up to `timeoutMs` for the runs in progress; runs still going after that are left
   * `running` for recovery (interrupted, or re-queued when read-only) and the engine pool is closed.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    if (this.#executing.size > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.#idleWaiters.push(resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
      ]);
    }
    for (const run of this.#executing.values()) {
      run.abandoned = true;
      run.abort.abort();
    }
    await this.#pool?.close();
    this.#pool = undefined;
    await this.n8n?.stop();
  }

  async #tick(): Promise<void> {
    try {
      do {
        this.#again = false;
        const free = this.#free;
        if (this.#stopped) break;
        if (free <= 0) {
          // Slots promised to a claim in flight may come back unused: look again when it is answered.
          if (this.#reserved > 0) this.#wakeAfterClaims = true;
          break;
        }
        this.#reserve(free);
        let result: ClaimResult | undefined;
        try {
          result = await claimRuns(this.#ctx.db, {
            instanceId: this.instanceId,
            max: free,
            workspaceLimit: this.#ctx.config.runWorkspaceConcurrency,
          });
        } finally {
          if (this.#claimed(free, true, result)) this.#again = true;
        }
      } while (this.#again && !this.#stopped);
    } catch (error) {
      this.#backlog = true;
      if (!this.#stopped) this.#ctx.logger.error({ err: error }, 'claiming agent runs failed');
    } finally {
      this.#ticking = false;
    }
  }

  #launch(row: ClaimedRunRow): void {
    const executing: ExecutingRun = { abort: new AbortController(), workspaceId: row.workspace_id, abandoned: false };
    this.#executing.set(row.id, executing);
    if (row.cancel_requested) executing.abort.abort();
    void this.#execute(row, executing)
      .catch((error: unknown) => this.#ctx.logger.error({ err: error, runId: row.id }, 'agent run failed to finish'))
      .finally(() => {
        this.#executing.delete(row.id);
        if (this.#executing.size === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
        // The slot it frees matters only to runs the last claim left queued (or the claim in flight leaves).
        if (this.#backlog) this.wake();
        else if (this.#reserved > 0) this.#freedDuringClaim = true;
      });
  }

  #compile(yaml: string, contentHash: string, budgets: RunBudgets): CompiledAgent {
    const key = `${contentHash}:${budgets.tokens?.limit ?? ''}:${budgets.usd?.limit ?? ''}`;
    let compiled = this.#compiled.get(key);
    if (compiled) return compiled;
    const result = compileAgent(yaml);
    if (!result.workflow || !result.sourceMap)
      throw new Error(`The agent does not compile: ${result.diagnostics.map((d) => d.message).join('; ')}`);
    let workflow = result.workflow;
    const meta = workflow.meta.ionflux as typeof workflow.meta.ionflux & {
      policy?: { budget?: { tokens?: number; usd?: number }; timeout?: string };
    };
    // The engine enforces the workflow's budgets: the tightest of the agent's own and the server's (`budgets`).
    if (budgets.tokens || budgets.usd) {
      const budget = { ...meta.policy?.budget };
      if (budgets.tokens) budget.tokens = budgets.tokens.limit;
      if (budgets.usd) budget.usd = budgets.usd.limit;
      workflow = {
        ...workflow,
        meta: { ...workflow.meta, ionflux: { ...meta, policy: { ...meta.policy, budget } } },
      } as N8nWorkflow;
    }
    const sources = Object.values(workflow.meta.ionflux.nodes ?? {}) as { step?: string; role?: string }[];
    const timeout = Number((workflow.settings as { executionTimeout?: number } | undefined)?.executionTimeout);
    compiled = {
      workflow,
      sourceMap: result.sourceMap,
      stepCount: new Set(sources.map((s) => stepOf(s)).filter(Boolean)).size,
      timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout * 1000 : DEFAULT_TIMEOUT_MS,
    };
    if (this.#compiled.size >= 128) this.#compiled.delete(this.#compiled.keys().next().value!);
    this.#compiled.set(key, compiled);
    return compiled;
  }

  async #revisionSource(row: ClaimedRunRow): Promise<RevisionSource | undefined> {
    const key = `${row.workspace_id}/${row.agent_id}/${row.revision}`;
    let source = this.#sources.get(key);
    if (!source) {
      source = await findRevisionSource(this.#ctx.db, {
        workspaceId: row.workspace_id,
        agentId: row.agent_id,
        revision: row.revision,
      });
      if (source) this.#sources.set(key, source);
    }
    return source;
  }

  #enginePool(): EnginePoolLike {
    const { EnginePool, CredentialNotFound } = loadEngine();
    this.#pool ??= new EnginePool({
      size: this.#ctx.config.engineWorkers,
      credentials: async () => {
        throw new CredentialNotFound('Every agent run brings its own credentials.');
      },
    });
    return this.#pool;
  }

  async #execute(row: ClaimedRunRow, executing: ExecutingRun): Promise<void> {
    const started = Date.now();
    const steps: AgentRunStep[] = [];
    let outcome: {
      status: 'succeeded' | 'failed' | 'canceled';
      output: unknown;
      error: Record<string, unknown> | null;
      usage: AgentRun['usage'];
    };
    let agentName = '';
    try {
      // The claim read the configuration and the workspace's budgets with the run (one round trip); the revision's
      // source is read once per revision.
      if (row.agent_name === null) throw new Error('The agent or its revision was deleted before the run started');
      agentName = row.agent_name;
      const source = await this.#revisionSource(row);
      if (!source) throw new Error('The agent or its revision was deleted before the run started');
      const { agent } = checkedAgentOf(source.yaml);
      // The tightest of the agent's own (policy.budget), the configuration's and the workspace's budgets.
      const policyBudget = agent.spec.policy?.budget;
      const budgets: RunBudgets = {
        tokens: tightestBudget([
          { limit: policyBudget?.tokens ?? null, owner: "the agent's" },
          { limit: row.config_token_budget, owner: "the configuration's" },
          { limit: row.workspace_run_token_budget, owner: "the workspace's" },
        ]),
        usd: tightestBudget([
          { limit: policyBudget?.usd ?? null, owner: "the agent's" },
          { limit: row.config_usd_budget, owner: "the configuration's" },
          { limit: row.workspace_run_usd_budget, owner: "the workspace's" },
        ]),
      };
      const compiled = this.#compile(source.yaml, source.contentHash, budgets);
      const userId = row.started_by ?? row.revision_created_by ?? row.config_created_by;
      if (!userId) throw new Error('Nobody to run as: the user who saved this agent no longer exists');
      // Signed when a node first asks for the IONFLUX API credential (most runs never call back into the server);
      // it expires as if signed at the start of the run.
      const expiresAtMs = started + (Math.ceil(compiled.timeoutMs / 1000) + 60) * 1000;
      let runToken: Promise<string> | undefined;
      const token = () =>
        (runToken ??= signRunToken({
          key: this.#ctx.jwtKey,
          claims: { runId: row.id, workspaceId: row.workspace_id, agentId: row.agent_id, userId },
          ttlSeconds: Math.max(1, (expiresAtMs - Date.now()) / 1000),
        }).then((signed) => signed.token));
      const bindings = source.bindings as Record<string, ConnectionBinding>;
      const {
        credentials: resolveCredentials,
        accounts,
        oauth,
      } = await runCredentials({
        ctx: this.#ctx,
        profiles: this.#profiles,
        ...(this.#tiktok ? { tiktok: this.#tiktok } : {}),
        workspaceId: row.workspace_id,
        agent,
        bindings,
        baseUrl: this.#baseUrl,
        runToken: token,
      });
      // The model the run's LLM credential names prices its tokens (IONFLUX_TOKEN_PRICES).
      let llmModel: string | undefined;
      const credentials: typeof resolveCredentials = async (request) => {
        const data = await resolveCredentials(request);
        if (request.type === 'ionfluxLlmApi' && typeof data.model === 'string') llmModel = data.model;
        return data;
      };
      let index = 0;
      // The step that ended since the last run:step: the next one carries it (one broadcast per step boundary).
      let previous: StepEnd | undefined;
      const onNodeEvent = (event: NodeEvent) => {
        const step = stepOf(event);
        if (event.type === 'end') {
          steps.push({
            step,
            node: event.node,
            status: event.status,
            startedAt: new Date(event.at - event.durationMs).toISOString(),
            durationMs: event.durationMs,
            items: event.outputItems,
            error: event.error?.message ?? null,
            usage: event.usage ?? null,
          });
          if (step)
            previous = {
              node: event.node,
              step,
              status: event.status,
              durationMs: event.durationMs,
              ...(event.error ? { error: event.error.message } : {}),
            };
          return;
        }
        if (!step) return;
        index++;
        this.#ctx.events.emit('run.step', {
          workspaceId: row.workspace_id,
          progress: {
            runId: row.id,
            agentId: row.agent_id,
            agentName,
            node: event.node,
            step,
            index,
            total: compiled.stepCount,
            elapsedMs: Date.now() - started,
            ...(previous ? { previous } : {}),
          },
        });
        previous = undefined;
      };
      const result = this.n8n
        ? await this.n8n.run({
            workspaceId: row.workspace_id,
            agentId: row.agent_id,
            name: agentName,
            yaml: source.yaml,
            contentHash: source.contentHash,
            agent,
            input: row.inputs,
            trigger: row.trigger_payload,
            accounts,
            credentials,
            // The n8n workflow receives it with the run's inputs (its nodes call back with it).
            runToken: await token(),
            budgets: {
              ...(budgets.tokens ? { tokens: budgets.tokens } : {}),
              ...(budgets.usd ? { usd: budgets.usd } : {}),
            },
            // n8n enforces the workflow's own timeout (its settings); this is the margin past it.
            timeoutMs: compiled.timeoutMs + 10_000,
            signal: executing.abort.signal,
            onNodeEvent,
          })
        : await this.#enginePool().run({
            workflow: oauth.size > 0 ? withShopifyOAuth(compiled.workflow, oauth) : compiled.workflow,
            onCredentialUpdate: (update) => this.#storeRefreshed(row.workspace_id, oauth, update),
            sourceMap: compiled.sourceMap,
            input: row.inputs,
            ...(row.trigger_payload !== null ? { trigger: row.trigger_payload } : {}),
            accounts,
            credentials,
            executionId: row.id,
            signal: executing.abort.signal,
            onNodeEvent,
            // run:step goes out when a step starts: the events between two step starts can cross together.
            nodeEvents: 'per-step',
            tokenPrices: this.#ctx.config.tokenPrices,
            budgetOwners: {
              ...(budgets.tokens ? { tokens: budgets.tokens.owner } : {}),
              ...(budgets.usd ? { usd: budgets.usd.owner } : {}),
            },
          });
      const price = llmModel ? this.#ctx.config.tokenPrices[llmModel] : undefined;
      outcome = {
        status: result.status === 'success' ? 'succeeded' : result.status === 'canceled' ? 'canceled' : 'failed',
        output: result.output ?? null,
        error: result.error
          ? {
              code: result.status === 'canceled' ? 'canceled' : 'step_failed',
              message: result.error.message,
              ...(result.error.step ? { step: result.error.step } : {}),
              ...(result.error.node ? { node: result.error.node } : {}),
              ...(result.error.line !== undefined ? { line: result.error.line } : {}),
              ...(result.error.col !== undefined ? { col: result.error.col } : {}),
            }
          : result.status === 'canceled'
            ? { code: 'canceled', message: 'Canceled' }
            : null,
        usage: usageWithCost(result, price),
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const name = error instanceof Error ? error.constructor.name : '';
      const code =
        name === 'RunInputError' ? 'invalid_inputs' : name === 'CredentialNotFound' ? 'credentials' : 'run_failed';
      outcome = { status: 'failed', output: null, error: { code, message }, usage: null };
    }
    if (executing.abandoned) return;
    const finishedAt = new Date();
    const written = await this.#finishes.submit({
      runId: row.id,
      instanceId: this.instanceId,
      status: outcome.status,
      output: outcome.output,
      error: outcome.error,
      steps,
      usage: outcome.usage,
      finishedAt,
    });
    if (!written) return;
    // The run as stored: the claimed row with its end (the finish statement reads nothing back).
    this.#ctx.events.emit('run.finished', {
      workspaceId: row.workspace_id,
      run: toAgentRun({
        ...row,
        status: outcome.status,
        output: outcome.output,
        error: outcome.error,
        steps,
        usage: outcome.usage,
        finished_at: finishedAt,
        agent_name: agentName,
      }),
    });
  }

  /**
   * Stores a Shopify OAuth2 token n8n refreshed during a run into its Brand (encrypted, replacing the pair the run
   * was given only if nobody replaced it meanwhile), so no later run or process sends the rotated refresh token.
   */
  async #storeRefreshed(
    workspaceId: string,
    oauth: Map<string, OAuthConnection>,
    update: CredentialUpdate,
  ): Promise<void> {
    const connection = oauth.get(connectionOf(update.reference));
    const token = update.data.oauthTokenData as
      { access_token?: unknown; refresh_token?: unknown; scope?: unknown; expires_in?: unknown } | undefined;
    if (!connection || typeof token?.access_token !== 'string') return;
    const refreshToken = typeof token.refresh_token === 'string' ? token.refresh_token : undefined;
    try {
      const replaced = await this.#profiles.replaceCredentialsIfUnchanged({
        workspaceId,
        ownerType: connection.ownerType,
        ownerId: connection.ownerId,
        previousAccessToken: connection.accessToken,
        credentials: {
          accessToken: token.access_token,
          ...(refreshToken ? { refreshToken } : {}),
          scopes: typeof token.scope === 'string' ? token.scope.split(',').filter(Boolean) : [],
          expiresAt:
            typeof token.expires_in === 'number' ? new Date(Date.now() + token.expires_in * 1000).toISOString() : null,
        },
      });
      // A second refresh in the same run replaces this one.
      if (replaced) connection.accessToken = token.access_token;
      else
        this.#ctx.logger.warn(
          { ownerType: connection.ownerType, ownerId: connection.ownerId },
          'a refreshed Shopify token was not stored: the connection changed during the run',
        );
    } catch (error) {
      this.#ctx.logger.error({ err: error, ownerId: connection.ownerId }, 'could not store a refreshed Shopify token');
    }
  }

  async #heartbeat(): Promise<void> {
    if (this.#stopped || (!this.#shared && this.#executing.size === 0)) return;
    try {
      const ids = [...this.#executing.keys()];
      await heartbeatRuns(this.#ctx.db, { runIds: ids, instanceId: this.instanceId });
      for (const id of await cancelRequestedAmong(this.#ctx.db, ids)) this.#executing.get(id)?.abort.abort();
      await this.#recover(false);
    } catch (error) {
      if (!this.#stopped) this.#ctx.logger.warn({ err: error }, 'run heartbeat failed');
    }
  }

  /** Fails (or re-queues, when read-only) runs whose process stopped heartbeating. */
  async #recover(all: boolean): Promise<void> {
    const staleBefore = new Date(Date.now() - 5 * this.#ctx.config.runHeartbeatMs);
    const rows = await recoverInterruptedRuns(this.#ctx.db, { staleBefore, all, instanceId: this.instanceId });
    for (const row of rows) {
      this.#ctx.logger.warn({ runId: row.id, status: row.status }, 'recovered an interrupted agent run');
      if (row.status === 'failed')
        this.#ctx.events.emit('run.finished', { workspaceId: row.workspace_id, run: toAgentRun(row) });
    }
    if (rows.some((r) => r.status === 'queued')) this.wake();
  }
}
