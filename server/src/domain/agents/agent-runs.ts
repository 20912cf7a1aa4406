import { getAction, isActionStep, type AgentDocument, type InputDefinition, type Step } from '@ionflux/dsl';
import type { Kysely } from 'kysely';
import {
  disabledMessage,
  findAgentConfiguration,
  type AgentConfigurationRow,
} from '../../data-access/agents-repository';
import type { Database } from '../../data-access/schema';
import { randomUUID } from 'node:crypto';
import { BoundedCache } from '../bounded-cache';
import { GroupCommit } from '../group-commit';
import {
  findRun,
  insertRun,
  listRuns,
  queueRuns,
  requestCancel,
  toAgentRun,
  type AgentRunRow,
  type ClaimArgs,
  type ClaimResult,
  type RunToQueue,
} from '../../data-access/runs-repository';
import type { ScheduledAgentRow } from '../../data-access/schedules-repository';
import type { AgentRunStatus } from '../../data-access/schema';
import { AppError, conflict, forbidden, notFound, unauthorized } from '../../errors';
import { actingAsUserId, hasRole, type Actor, type AppContext, type WorkspaceAccess } from '../context';
import { apiTokenScopes, type AgentRun } from '../model';
import { checkAgentYaml, type CheckedAgent } from './agent-configurations';
import { loadEngine } from './engine';
import { RUN_TOKEN_PREFIX, verifyRunToken } from './run-tokens';

export type TriggerKind = AgentRun['trigger']['kind'];

/** Budgets every agent run of a workspace is held to (null: none). */
export interface WorkspaceRunSettings {
  runTokenBudget: number | null;
  runUsdBudget: number | null;
}

/** Where a run was started from (a chat command: its channel, thread and message). */
export interface RunContext {
  channelId?: string;
  threadRootId?: string;
  messageId?: string;
}

/** Whether a configuration from a paid marketplace agent may run (its rental is active); throws when not. */
export interface RentalCheck {
  checkRunAllowed(config: AgentConfigurationRow): Promise<void>;
  /** The same, read-only, inside the caller's transaction (event-started runs). */
  checkRunAllowedIn(
    trx: Kysely<Database>,
    config: Pick<AgentConfigurationRow, 'workspace_id' | 'definition_id' | 'name'>,
  ): Promise<void>;
}

/** Lets the run use cases wake the executor and ask it which runs it is executing. */
export interface RunQueueSignals {
  wake(): void;
  /** Free slots for the statement that queues runs to claim queued runs with (see `RunExecutor.reserveSlots`). */
  reserveSlots(queuing: number): ClaimArgs | undefined;
  /** The claim's answer for slots from `reserveSlots` (undefined: the statement failed, nothing was claimed). */
  claimedWithQueue(slots: ClaimArgs, result: ClaimResult | undefined): void;
  isExecuting(runId: string): boolean;
  abortRun(runId: string): void;
}

/** Whether re-running the agent after an interruption is harmless: every action only reads, and no chat output. */
export function isReadOnlyAgent(agent: AgentDocument): boolean {
  const visit = (steps: Step[] | undefined): boolean =>
    (steps ?? []).every((step) => {
      if (isActionStep(step)) return getAction(step.uses)?.effect === 'read';
      const s = step as unknown as Record<string, unknown>;
      const nested = [s.then, s.else, s.steps, s.default, ...Object.values((s.cases as object) ?? {})];
      return nested.every((n) => n === undefined || visit(n as Step[]));
    });
  return (
    visit(agent.spec.steps) &&
    Object.values(agent.spec.handlers ?? {}).every((h) => visit(h)) &&
    agent.spec.output?.chat === undefined
  );
}

/**
 * The key that keeps runs of one agent from overlapping: the configuration's id when the agent asks for it
 * (`policy.concurrency: serial`), else null (its runs may run side by side, within the workspace's limit).
 */
export function serializeKeyOf(agent: AgentDocument, agentId: string): string | null {
  return agent.spec.policy?.concurrency === 'serial' ? agentId : null;
}

/** The most runs one insert of `start` queues (group commit, see {@link GroupCommit}). */
const START_BATCH = 256;

const checkedAgents = new Map<string, CheckedAgent>();

/** Validated agents by YAML text (bounded): runs of the same revision validate it once. */
export function checkedAgentOf(yaml: string): CheckedAgent {
  let checked = checkedAgents.get(yaml);
  if (!checked) {
    checked = checkAgentYaml(yaml);
    if (checkedAgents.size >= 256) checkedAgents.delete(checkedAgents.keys().next().value!);
    checkedAgents.set(yaml, checked);
  }
  return checked;
}

/** Runs of agent configurations: queued durably, executed by the RunExecutor on the engine pool. */
export class AgentRuns {
  readonly #ctx: AppContext;
  #signals: RunQueueSignals | undefined;
  #rentals: RentalCheck | undefined;
  /** Configurations by workspace/agent as last read to start a run (only enabled ones): see `start`. */
  readonly #startable = new BoundedCache<AgentConfigurationRow>({
    maxEntries: 1000,
    maxWeight: 32_000_000,
    weigh: (config) => 2 * config.yaml.length + JSON.stringify(config.inputs).length + 1000,
  });

  /**
   * The inserts of `start` (group commit): runs requested while an insert is in flight are queued together by the
   * next one, and each request is answered once the insert holding its run committed.
   */
  readonly #inserts: GroupCommit<RunToQueue, AgentRunRow | undefined>;

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
    this.#inserts = new GroupCommit({
      maxBatch: START_BATCH,
      maxInFlight: ctx.config.database.kind === 'postgres' ? 2 : 1,
      write: (runs) => this.#queue(runs),
    });
  }

  /**
   * Queues runs for `start` in one statement that also claims queued runs (these among them) for this process's free
   * slots, so a run started while a slot is free starts without a claim statement of its own. The claimed runs start
   * before the requests are answered; every event of theirs (a step, their end) waits for I/O, so each request's
   * `run.queued`, emitted as soon as its insert is answered, comes first.
   */
  async #queue(runs: RunToQueue[]): Promise<(AgentRunRow | undefined)[]> {
    const slots = this.#signals?.reserveSlots(runs.length);
    let queued: Awaited<ReturnType<typeof queueRuns>>;
    try {
      queued = await queueRuns(this.#ctx.db, runs, slots);
    } catch (error) {
      if (slots) this.#signals!.claimedWithQueue(slots, undefined);
      throw error;
    }
    if (slots) this.#signals!.claimedWithQueue(slots, queued.claimed);
    // No slot was free (or no executor yet): the executor claims them when one is.
    else if (queued.rows.some((row) => row !== undefined)) this.#signals?.wake();
    return queued.rows;
  }

  /** Connects the rentals: a configuration from a paid marketplace agent runs only while it is rented. */
  attachRentals(rentals: RentalCheck): void {
    this.#rentals = rentals;
  }

  /** Connects the executor (set by startServer once it runs). */
  attach(signals: RunQueueSignals): void {
    this.#signals = signals;
  }

  /**
   * Queues a run of the configuration's current revision and returns it (status `queued`): it is in PostgreSQL
   * before this returns. Inputs are the configuration's values overridden by `inputs`, checked against the agent.
   */
  async start(
    access: WorkspaceAccess,
    agentId: string,
    args: {
      inputs?: Record<string, unknown>;
      trigger?: unknown;
      triggerKind?: TriggerKind;
      context?: RunContext;
      /** Who the run acts as when the caller is not a user (schedules, webhooks): defaults to the caller. */
      actAs?: string;
    } = {},
  ): Promise<AgentRun> {
    if (!hasRole(access.role, 'member'))
      throw forbidden('insufficient_role', `Running agents needs the member role (you are ${access.role})`);
    const key = `${access.workspaceId}/${agentId}`;
    // A copy of the configuration this process read before: the insert queues the run only if it is still current
    // (same revision, enabled), else it is read again. Runs of an agent then cost one round trip, not two.
    let config = this.#startable.get(key);
    let row: AgentRunRow | undefined;
    let inputs: Record<string, unknown> = {};
    for (let attempt = 1; !row; attempt++) {
      const cached = config !== undefined;
      if (!config) {
        config = await findAgentConfiguration(this.#ctx.db, { workspaceId: access.workspaceId, agentId });
        if (!config) throw notFound('agent');
        if (!config.enabled)
          throw conflict(config.suspended_reason ? 'agent_suspended' : 'agent_disabled', disabledMessage(config));
        this.#startable.set(key, { ...config, latest_output: null });
      }
      await this.#rentals?.checkRunAllowed(config);
      const { agent, triggerKind: declaredTrigger } = checkedAgentOf(config.yaml);
      inputs = { ...config.inputs, ...(args.inputs ?? {}) };
      const { resolveInputs, RunInputError } = loadEngine();
      try {
        resolveInputs((agent.spec.inputs ?? {}) as Record<string, InputDefinition>, inputs);
      } catch (error) {
        if (!(error instanceof RunInputError)) throw error;
        throw new AppError({
          status: 422,
          code: 'invalid_inputs',
          message: error.message,
          fields: [{ path: error.field, message: error.message }],
        });
      }
      const triggerKind: TriggerKind = args.triggerKind ?? (args.trigger !== undefined ? declaredTrigger : 'manual');
      const values = {
        id: randomUUID(),
        workspaceId: access.workspaceId,
        agentId,
        revision: config.revision,
        triggerKind,
        triggerPayload: args.trigger,
        inputs,
        context: args.context && Object.keys(args.context).length > 0 ? { ...args.context } : null,
        serializeKey: serializeKeyOf(agent, agentId),
        readOnly: isReadOnlyAgent(agent),
        startedBy: args.actAs ?? actingAsUserId(access.actor),
      };
      row = await this.#inserts.submit(values);
      if (row) break;
      // Changed (saved, disabled or deleted) since it was read: read it again; a fresh copy that changed again
      // before its insert is raced by another save, tried a few times.
      this.#startable.delete(key);
      config = undefined;
      if (!cached && attempt >= 3)
        throw conflict('agent_changed', 'The agent changed while the run was being queued; start it again');
    }
    // The statement that queued it claimed it already if a slot was free (else the executor was woken).
    const run = toAgentRun({ ...row, agent_name: config!.name });
    this.#ctx.events.emit('run.queued', { workspaceId: access.workspaceId, run });
    return run;
  }

  /**
   * Queues a run started by an event (a Shopify webhook) inside the caller's transaction `trx`, so the run exists
   * exactly when the event is marked processed. It acts as the user who installed the agent. Call `announce` with the
   * runs once the transaction committed. Throws RunInputError when the configured inputs no longer fit the agent.
   */
  async queueTriggeredRun(
    trx: Kysely<Database>,
    args: { config: AgentConfigurationRow; triggerKind: TriggerKind; trigger: unknown },
  ): Promise<AgentRun> {
    const { agent } = checkedAgentOf(args.config.yaml);
    await this.#rentals?.checkRunAllowedIn(trx, args.config);
    const inputs = { ...args.config.inputs };
    loadEngine().resolveInputs((agent.spec.inputs ?? {}) as Record<string, InputDefinition>, inputs);
    const row = await insertRun(trx, {
      workspaceId: args.config.workspace_id,
      agentId: args.config.id,
      revision: args.config.revision,
      triggerKind: args.triggerKind,
      triggerPayload: args.trigger,
      inputs,
      context: null,
      serializeKey: serializeKeyOf(agent, args.config.id),
      readOnly: isReadOnlyAgent(agent),
      startedBy: args.config.created_by,
    });
    return toAgentRun({ ...row, agent_name: args.config.name });
  }

  /** Tells sockets and the executor about runs queued by `queueTriggeredRun` (after their transaction committed). */
  announce(runs: AgentRun[]): void {
    for (const run of runs) this.#ctx.events.emit('run.queued', { workspaceId: run.workspaceId, run });
    if (runs.length > 0) this.#signals?.wake();
  }

  /**
   * Fires one cron occurrence of a scheduled agent: records the occurrence and queues its run in one transaction, so
   * an occurrence that any process (or this one, before a restart) already fired is not fired again: the insert of
   * its key does nothing and this returns undefined. A configuration disabled since it was listed is not fired.
   * The run acts as the user who saved the running revision; its inputs are the configuration's values.
   */
  async fireScheduledOccurrence(args: {
    agent: ScheduledAgentRow;
    scheduledAt: Date;
    timezone: string;
    firedBy: string;
  }): Promise<AgentRun | undefined> {
    const { agent } = checkedAgentOf(args.agent.yaml);
    const inserted = await this.#ctx.db.transaction().execute(async (trx) => {
      const config = await trx
        .selectFrom('agent_configurations')
        .select(['name', 'enabled', 'revision', 'inputs', 'trigger_kind', 'yaml', 'definition_id'])
        .where('id', '=', args.agent.id)
        .forShare()
        .executeTakeFirst();
      if (!config?.enabled || config.trigger_kind !== 'schedule' || config.yaml !== args.agent.yaml) return undefined;
      const firing = await trx
        .insertInto('agent_schedule_firings')
        .values({
          agent_id: args.agent.id,
          workspace_id: args.agent.workspace_id,
          scheduled_at: args.scheduledAt,
          fired_by: args.firedBy,
        })
        .onConflict((oc) => oc.columns(['agent_id', 'scheduled_at']).doNothing())
        .returning('agent_id')
        .executeTakeFirst();
      if (!firing) return undefined;
      // A paid marketplace agent whose rental ended: the occurrence is spent without a run (and said why).
      const refused = await this.#rentals
        ?.checkRunAllowedIn(trx, { ...config, workspace_id: args.agent.workspace_id })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      if (refused) {
        this.#ctx.logger.warn({ agentId: args.agent.id, err: refused }, 'scheduled run skipped: rental not active');
        return undefined;
      }
      const row = await insertRun(trx, {
        workspaceId: args.agent.workspace_id,
        agentId: args.agent.id,
        revision: config.revision,
        triggerKind: 'schedule',
        triggerPayload: { scheduledAt: args.scheduledAt.toISOString(), timezone: args.timezone },
        inputs: config.inputs,
        context: null,
        serializeKey: serializeKeyOf(agent, args.agent.id),
        readOnly: isReadOnlyAgent(agent),
        startedBy: null,
      });
      await trx
        .updateTable('agent_schedule_firings')
        .set({ run_id: row.id })
        .where('agent_id', '=', args.agent.id)
        .where('scheduled_at', '=', args.scheduledAt)
        .execute();
      return { row, name: config.name };
    });
    if (!inserted) return undefined;
    const run = toAgentRun({ ...inserted.row, agent_name: inserted.name });
    this.#ctx.events.emit('run.queued', { workspaceId: args.agent.workspace_id, run });
    this.#signals?.wake();
    return run;
  }

  /** The workspace's settings for agent runs: its token and USD budgets per run (null: none). */
  async settings(access: WorkspaceAccess): Promise<WorkspaceRunSettings> {
    const row = await this.#ctx.db
      .selectFrom('workspaces')
      .select(['run_token_budget', 'run_usd_budget'])
      .where('id', '=', access.workspaceId)
      .executeTakeFirst();
    if (!row) throw notFound('workspace');
    return { runTokenBudget: row.run_token_budget, runUsdBudget: row.run_usd_budget };
  }

  /**
   * Sets the workspace's budgets per run (admins; a field left out keeps its value): a run that would use more
   * stops at the step that did.
   */
  async updateSettings(
    access: WorkspaceAccess,
    args: { runTokenBudget?: number | null; runUsdBudget?: number | null },
  ): Promise<WorkspaceRunSettings> {
    if (!hasRole(access.role, 'admin'))
      throw forbidden('insufficient_role', `Changing agent run settings needs the admin role (you are ${access.role})`);
    if (args.runTokenBudget === undefined && args.runUsdBudget === undefined) return this.settings(access);
    const row = await this.#ctx.db
      .updateTable('workspaces')
      .set({
        ...(args.runTokenBudget !== undefined ? { run_token_budget: args.runTokenBudget } : {}),
        ...(args.runUsdBudget !== undefined ? { run_usd_budget: args.runUsdBudget } : {}),
      })
      .where('id', '=', access.workspaceId)
      .returning(['run_token_budget', 'run_usd_budget'])
      .executeTakeFirst();
    if (!row) throw notFound('workspace');
    return { runTokenBudget: row.run_token_budget, runUsdBudget: row.run_usd_budget };
  }

  async get(access: WorkspaceAccess, runId: string): Promise<AgentRun> {
    const row = await findRun(this.#ctx.db, { workspaceId: access.workspaceId, runId });
    if (!row) throw notFound('run');
    return toAgentRun(row);
  }

  /** Runs newest first, optionally of one agent and one status; `cursor` continues a previous page. */
  async list(
    access: WorkspaceAccess,
    args: { agentId?: string; status?: AgentRunStatus; cursor?: string; limit: number },
  ): Promise<{ runs: AgentRun[]; nextCursor: string | null }> {
    let before: { createdAt: Date; id: string } | undefined;
    if (args.cursor) {
      const row = await findRun(this.#ctx.db, { workspaceId: access.workspaceId, runId: args.cursor });
      if (!row)
        throw new AppError({
          status: 400,
          code: 'invalid_request',
          message: 'cursor: no run with this id here; pass the nextCursor of the previous page',
          fields: [{ path: 'cursor', message: 'no run with this id here' }],
        });
      before = { createdAt: row.created_at, id: row.id };
    }
    const rows = await listRuns(this.#ctx.db, {
      workspaceId: access.workspaceId,
      ...(args.agentId ? { agentId: args.agentId } : {}),
      ...(args.status ? { status: args.status } : {}),
      ...(before ? { before } : {}),
      limit: args.limit + 1,
    });
    const page = rows.slice(0, args.limit);
    return { runs: page.map(toAgentRun), nextCursor: rows.length > args.limit ? page[page.length - 1]!.id : null };
  }

  /** Cancels a queued run at once; a running one stops at its next node (its process is told within a heartbeat). */
  async cancel(access: WorkspaceAccess, runId: string): Promise<AgentRun> {
    if (!hasRole(access.role, 'member'))
      throw forbidden('insufficient_role', `Canceling runs needs the member role (you are ${access.role})`);
    const row = await findRun(this.#ctx.db, { workspaceId: access.workspaceId, runId });
    if (!row) throw notFound('run');
    if (row.status !== 'queued' && row.status !== 'running') return toAgentRun(row);
    const after = await requestCancel(this.#ctx.db, { workspaceId: access.workspaceId, runId });
    if (!after) throw notFound('run');
    const run = toAgentRun({ ...after, agent_name: row.agent_name });
    if (after.status === 'canceled') this.#ctx.events.emit('run.finished', { workspaceId: access.workspaceId, run });
    else this.#signals?.abortRun(runId);
    this.#signals?.wake();
    return run;
  }

  /**
   * The actor of a run token: an API-token-like actor of the run's workspace acting as the run's user, with the
   * scopes nodes need, valid while the run runs. Any failure is a 401.
   */
  async authenticateRunToken(token: string): Promise<Extract<Actor, { kind: 'apiToken' }>> {
    const claims = await verifyRunToken(token, this.#ctx.jwtKey);
    if (!this.#signals?.isExecuting(claims.runId)) {
      const row: AgentRunRow | undefined = await findRun(this.#ctx.db, {
        workspaceId: claims.workspaceId,
        runId: claims.runId,
      });
      if (row?.status !== 'running')
        throw unauthorized('run_finished', 'This run token belongs to a run that is no longer running');
    }
    return {
      kind: 'apiToken',
      tokenId: claims.runId,
      workspaceId: claims.workspaceId,
      role: 'member',
      scopes: [...apiTokenScopes],
      name: `Agent run ${claims.runId}`,
      createdBy: claims.userId,
      expiresAtMs: claims.expiresAtMs,
      run: { runId: claims.runId, agentId: claims.agentId },
    };
  }

  static isRunToken(token: string): boolean {
    return token.startsWith(RUN_TOKEN_PREFIX);
  }
}
