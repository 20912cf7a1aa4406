import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AgentConfiguration, AgentRevision, ConnectionBinding } from '../domain/model';
import { isoRequired, toJsonb, type AgentConfigurationsTable, type AgentRevisionsTable, type Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;
export type AgentConfigurationRow = Selectable<AgentConfigurationsTable>;
export type AgentRevisionRow = Selectable<AgentRevisionsTable>;

/** What a save writes: the configuration's state at one revision. */
export interface AgentState {
  name: string;
  description: string;
  definitionId: string | null;
  agentName: string;
  displayName: string;
  yaml: string;
  contentHash: string;
  inputs: Record<string, unknown>;
  bindings: Record<string, ConnectionBinding>;
  enabled: boolean;
  tokenBudget: number | null;
  usdBudget: number | null;
  triggerKind: string;
  /** When the current schedule began (set when it starts or changes; undefined leaves it as it is). */
  scheduleSince?: Date | null;
}

export function toAgentConfiguration(row: AgentConfigurationRow): AgentConfiguration {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    description: row.description,
    definitionId: row.definition_id,
    agentName: row.agent_name,
    displayName: row.display_name,
    yaml: row.yaml,
    contentHash: row.content_hash,
    inputs: row.inputs,
    bindings: row.bindings as Record<string, ConnectionBinding>,
    enabled: row.enabled,
    tokenBudget: row.token_budget,
    usdBudget: row.usd_budget,
    suspended: row.suspended_reason === null ? null : { brandId: row.suspended_brand_id, reason: row.suspended_reason },
    trigger: row.trigger_kind as AgentConfiguration['trigger'],
    revision: row.revision,
    latestOutput:
      row.latest_output_at === null
        ? null
        : {
            value: row.latest_output ?? null,
            runId: row.latest_run_id,
            revision: row.latest_output_revision,
            at: isoRequired(row.latest_output_at),
          },
    createdBy: row.created_by,
    createdAt: isoRequired(row.created_at),
    updatedAt: isoRequired(row.updated_at),
    layout: row.layout,
  };
}

export function toAgentRevision(row: AgentRevisionRow): AgentRevision {
  return {
    agentId: row.agent_id,
    revision: row.revision,
    name: row.name,
    description: row.description,
    yaml: row.yaml,
    contentHash: row.content_hash,
    inputs: row.inputs,
    bindings: row.bindings as Record<string, ConnectionBinding>,
    enabled: row.enabled,
    tokenBudget: row.token_budget,
    usdBudget: row.usd_budget,
    restoredFrom: row.restored_from,
    createdBy: row.created_by,
    createdAt: isoRequired(row.created_at),
  };
}

function stateColumns(state: AgentState) {
  return {
    name: state.name,
    name_normalized: state.name.toLowerCase(),
    description: state.description,
    definition_id: state.definitionId,
    agent_name: state.agentName,
    display_name: state.displayName,
    yaml: state.yaml,
    content_hash: state.contentHash,
    inputs: toJsonb(state.inputs),
    bindings: toJsonb(state.bindings),
    enabled: state.enabled,
    // Enabling an agent by hand ends its suspension (its runs then fail on the connection until it is back).
    ...(state.enabled ? { suspended_brand_id: null, suspended_reason: null } : {}),
    token_budget: state.tokenBudget,
    usd_budget: state.usdBudget,
    trigger_kind: state.triggerKind,
    ...(state.scheduleSince !== undefined ? { schedule_since: state.scheduleSince } : {}),
  };
}

async function insertRevision(
  db: Db,
  args: {
    agentId: string;
    workspaceId: string;
    revision: number;
    state: AgentState;
    userId: string | null;
    restoredFrom?: number;
  },
): Promise<void> {
  await db
    .insertInto('agent_revisions')
    .values({
      agent_id: args.agentId,
      workspace_id: args.workspaceId,
      revision: args.revision,
      name: args.state.name,
      description: args.state.description,
      yaml: args.state.yaml,
      content_hash: args.state.contentHash,
      inputs: toJsonb(args.state.inputs),
      bindings: toJsonb(args.state.bindings),
      enabled: args.state.enabled,
      token_budget: args.state.tokenBudget,
      usd_budget: args.state.usdBudget,
      restored_from: args.restoredFrom ?? null,
      created_by: args.userId,
    })
    .execute();
}

/** Inserts a configuration and its revision 1, in one transaction. */
export async function insertAgentConfiguration(
  db: Kysely<Database>,
  args: { workspaceId: string; state: AgentState; userId: string | null },
): Promise<AgentConfigurationRow> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('agent_configurations')
      .values({ workspace_id: args.workspaceId, ...stateColumns(args.state), revision: 1, created_by: args.userId })
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertRevision(trx, {
      agentId: row.id,
      workspaceId: args.workspaceId,
      revision: 1,
      state: args.state,
      userId: args.userId,
    });
    return row;
  });
}

/**
 * Saves a new revision when the configuration is still at `baseRevision`; returns undefined (and changes nothing)
 * when someone saved in between. The check and the write are one conditional UPDATE, so two concurrent saves on the
 * same base cannot both win.
 */
export async function saveAgentRevision(
  db: Kysely<Database>,
  args: {
    workspaceId: string;
    agentId: string;
    baseRevision: number;
    state: AgentState;
    userId: string | null;
    restoredFrom?: number;
  },
): Promise<AgentConfigurationRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('agent_configurations')
      .set({ ...stateColumns(args.state), revision: args.baseRevision + 1, updated_at: new Date() })
      .where('workspace_id', '=', args.workspaceId)
      .where('id', '=', args.agentId)
      .where('revision', '=', args.baseRevision)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    await insertRevision(trx, {
      agentId: row.id,
      workspaceId: args.workspaceId,
      revision: row.revision,
      state: args.state,
      userId: args.userId,
      ...(args.restoredFrom !== undefined ? { restoredFrom: args.restoredFrom } : {}),
    });
    return row;
  });
}

export async function findAgentConfiguration(
  db: Db,
  args: { workspaceId: string; agentId: string },
): Promise<AgentConfigurationRow | undefined> {
  return db
    .selectFrom('agent_configurations')
    .selectAll()
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.agentId)
    .executeTakeFirst();
}

/** Replaces the editor's node positions of a configuration (no new revision); undefined when there is no such agent. */
export async function setAgentLayout(
  db: Db,
  args: { workspaceId: string; agentId: string; layout: Record<string, [number, number]> },
): Promise<AgentConfigurationRow | undefined> {
  return db
    .updateTable('agent_configurations')
    .set({ layout: toJsonb(args.layout) })
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.agentId)
    .returningAll()
    .executeTakeFirst();
}

export async function listAgentConfigurations(db: Db, workspaceId: string): Promise<AgentConfigurationRow[]> {
  return db
    .selectFrom('agent_configurations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('name_normalized')
    .execute();
}

export async function deleteAgentConfiguration(
  db: Db,
  args: { workspaceId: string; agentId: string },
): Promise<boolean> {
  const result = await db
    .deleteFrom('agent_configurations')
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.agentId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listAgentRevisions(
  db: Db,
  args: { workspaceId: string; agentId: string },
): Promise<AgentRevisionRow[]> {
  return db
    .selectFrom('agent_revisions')
    .selectAll()
    .where('workspace_id', '=', args.workspaceId)
    .where('agent_id', '=', args.agentId)
    .orderBy('revision', 'desc')
    .execute();
}

export async function findAgentRevision(
  db: Db,
  args: { workspaceId: string; agentId: string; revision: number },
): Promise<AgentRevisionRow | undefined> {
  return db
    .selectFrom('agent_revisions')
    .selectAll()
    .where('workspace_id', '=', args.workspaceId)
    .where('agent_id', '=', args.agentId)
    .where('revision', '=', args.revision)
    .executeTakeFirst();
}

/** Records a run's output as the configuration's latest (only if no newer run already wrote one). */
/** A configuration by id alone (webhook intake: the URL names the agent; the secret decides, not the tenant). */
export async function findAgentConfigurationById(db: Db, agentId: string): Promise<AgentConfigurationRow | undefined> {
  return db.selectFrom('agent_configurations').selectAll().where('id', '=', agentId).executeTakeFirst();
}

/** Sets (or clears, with null) the SHA-256 of an agent's webhook secret; undefined when there is no such agent. */
export async function setWebhookSecretHash(
  db: Db,
  args: { workspaceId: string; agentId: string; hash: string | null; at: Date | null },
): Promise<AgentConfigurationRow | undefined> {
  return db
    .updateTable('agent_configurations')
    .set({ webhook_secret_hash: args.hash, webhook_secret_at: args.at })
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.agentId)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Counts one request to an agent's webhook in the fixed window starting at `windowStart`, atomically, whichever
 * process counts it: a newer window replaces the stored one (count 1); a request a process dates in an older window
 * (its clock lags) counts in the stored one. Returns the count and the window it landed in.
 */
export async function hitWebhookWindow(
  db: Db,
  args: { agentId: string; windowStart: Date },
): Promise<{ requests: number; windowStart: Date }> {
  const row = await db
    .insertInto('agent_webhook_windows')
    .values({ agent_id: args.agentId, window_start: args.windowStart, requests: 1 })
    .onConflict((oc) =>
      oc.column('agent_id').doUpdateSet({
        requests: sql<number>`case when excluded.window_start > agent_webhook_windows.window_start then 1
          else least(agent_webhook_windows.requests, 2147483646) + 1 end`,
        window_start: sql<Date>`greatest(excluded.window_start, agent_webhook_windows.window_start)`,
      }),
    )
    .returning(['requests', 'window_start'])
    .executeTakeFirstOrThrow();
  return { requests: row.requests, windowStart: row.window_start };
}

/**
 * Suspends the enabled agents bound to a Brand (a binding `{ brandId }` in their configuration): disabled, with the
 * Brand and the reason kept, so {@link resumeAgentsOfBrand} enables exactly these again. Returns their ids.
 */
export async function suspendAgentsOfBrand(
  db: Db,
  args: { workspaceId: string; brandId: string; reason: string },
): Promise<string[]> {
  const rows = await db
    .updateTable('agent_configurations')
    .set({ enabled: false, suspended_brand_id: args.brandId, suspended_reason: args.reason, updated_at: new Date() })
    .where('workspace_id', '=', args.workspaceId)
    .where('enabled', '=', true)
    .where(
      sql<boolean>`exists (select 1 from jsonb_each(bindings) as b(name, value) where b.value->>'brandId' = ${args.brandId})`,
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Enables again the agents suspended because of this Brand (not those a person disabled). Returns their ids. */
export async function resumeAgentsOfBrand(db: Db, args: { workspaceId: string; brandId: string }): Promise<string[]> {
  const rows = await db
    .updateTable('agent_configurations')
    .set({ enabled: true, suspended_brand_id: null, suspended_reason: null, updated_at: new Date() })
    .where('workspace_id', '=', args.workspaceId)
    .where('suspended_brand_id', '=', args.brandId)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Why an agent cannot run: disabled by a person, or suspended with the reason its connection gave. */
export function disabledMessage(config: Pick<AgentConfigurationRow, 'name' | 'suspended_reason'>): string {
  return config.suspended_reason
    ? `Agent "${config.name}" is suspended: ${config.suspended_reason}`
    : `Agent "${config.name}" is disabled; enable it to run it`;
}
