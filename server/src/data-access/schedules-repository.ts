import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

/** An enabled configuration with a schedule trigger, as the scheduler needs it. */
export interface ScheduledAgentRow {
  id: string;
  workspace_id: string;
  yaml: string;
  revision: number;
  inputs: Record<string, unknown>;
  schedule_since: Date | null;
  created_at: Date;
  /** The newest occurrence fired so far (by any process). */
  last_fired: Date | null;
}

/** Every enabled configuration whose agent starts on a schedule, with its newest fired occurrence. */
export async function listScheduledAgents(db: Kysely<Database>): Promise<ScheduledAgentRow[]> {
  const result = await sql<ScheduledAgentRow>`
    select c.id, c.workspace_id, c.yaml, c.revision, c.inputs, c.schedule_since, c.created_at,
      (select max(f.scheduled_at) from agent_schedule_firings f where f.agent_id = c.id) as last_fired
    from agent_configurations c
    where c.trigger_kind = 'schedule' and c.enabled`.execute(db);
  return result.rows.map((row) => ({
    ...row,
    schedule_since: row.schedule_since === null ? null : new Date(row.schedule_since),
    created_at: new Date(row.created_at),
    last_fired: row.last_fired === null ? null : new Date(row.last_fired),
  }));
}

/** Fired occurrences of one agent, oldest first (tests and the schedule view). */
export async function listScheduleFirings(
  db: Kysely<Database>,
  args: { workspaceId: string; agentId: string },
): Promise<{ scheduled_at: Date; run_id: string | null; fired_by: string; fired_at: Date }[]> {
  return db
    .selectFrom('agent_schedule_firings')
    .select(['scheduled_at', 'run_id', 'fired_by', 'fired_at'])
    .where('workspace_id', '=', args.workspaceId)
    .where('agent_id', '=', args.agentId)
    .orderBy('scheduled_at')
    .execute();
}
