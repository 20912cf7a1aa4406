import { randomUUID } from 'node:crypto';
import { listScheduledAgents, type ScheduledAgentRow } from '../../data-access/schedules-repository';
import type { AppContext } from '../context';
import { checkedAgentOf, type AgentRuns } from './agent-runs';
import { dueOccurrences, scheduleOf } from './cron-schedule';

/** Occurrences one agent fires in one pass at most; the rest follow in the next pass (in order, none skipped). */
const MAX_OCCURRENCES_PER_PASS = 100;

/**
 * Fires the cron occurrences of enabled schedule-triggered agents. Every `schedulePollMs` it lists them with their
 * newest fired occurrence and fires, in order, each occurrence due since then (and since the schedule began, and
 * within the catch-up window). Firing is an insert keyed by (agent, occurrence) in the transaction that queues the
 * run, so several processes sharing one PostgreSQL, or one process restarted, fire each occurrence exactly once;
 * an occurrence missed while no server ran fires when one is back.
 */
export class AgentScheduler {
  readonly instanceId = `scheduler-${randomUUID()}`;
  readonly #ctx: AppContext;
  readonly #runs: AgentRuns;
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<void> | undefined;
  #stopped = true;

  constructor(ctx: AppContext, runs: AgentRuns) {
    this.#ctx = ctx;
    this.#runs = runs;
  }

  start(): void {
    this.#stopped = false;
    this.#timer = setInterval(() => void this.runPass(), this.#ctx.config.schedulePollMs).unref();
    void this.runPass();
  }

  /** Stops polling and waits for a pass in progress to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#pass;
  }

  /** One pass over every scheduled agent (a pass already going is joined, not doubled). */
  runPass(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#pass ??= this.#fireDue().finally(() => (this.#pass = undefined));
    return this.#pass;
  }

  async #fireDue(): Promise<void> {
    let agents: ScheduledAgentRow[];
    try {
      agents = await listScheduledAgents(this.#ctx.db);
    } catch (error) {
      if (!this.#stopped) this.#ctx.logger.error({ err: error }, 'listing scheduled agents failed');
      return;
    }
    const now = new Date(this.#ctx.clock());
    const windowStart = now.getTime() - this.#ctx.config.scheduleCatchUpMs;
    for (const row of agents) {
      if (this.#stopped) return;
      try {
        const schedule = scheduleOf(checkedAgentOf(row.yaml).agent);
        if (!schedule) continue;
        const since = (row.schedule_since ?? row.created_at).getTime();
        const after = new Date(Math.max(since, windowStart, row.last_fired?.getTime() ?? -Infinity));
        const due = dueOccurrences({ ...schedule, after, until: now, max: MAX_OCCURRENCES_PER_PASS });
        for (const scheduledAt of due) {
          if (this.#stopped) return;
          await this.#runs.fireScheduledOccurrence({
            agent: row,
            scheduledAt,
            timezone: schedule.timezone,
            firedBy: this.instanceId,
          });
        }
      } catch (error) {
        // The next pass starts again after the newest occurrence fired, so a failure here skips nothing.
        if (!this.#stopped)
          this.#ctx.logger.error({ err: error, agentId: row.id }, 'firing a scheduled agent run failed');
      }
    }
  }
}
