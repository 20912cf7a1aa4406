import type { AgentDocument } from '@ionflux/dsl';
import { CronTime } from 'cron';

/** The cron and IANA timezone of a schedule-triggered agent; undefined for other triggers. */
export function scheduleOf(agent: AgentDocument): { cron: string; timezone: string } | undefined {
  const trigger = agent.spec.trigger as { schedule?: { cron: string; timezone?: string } };
  if (!trigger.schedule) return undefined;
  return { cron: trigger.schedule.cron, timezone: trigger.schedule.timezone ?? 'UTC' };
}

/**
 * The occurrences of `cron` in `timezone` strictly after `after` and at or before `until`, oldest first, at most
 * `max`. Cron is read by the `cron` package, the one n8n's Schedule Trigger uses, so a schedule fires at the same
 * instants here and on n8n (day-of-month and day-of-week combine with OR; an occurrence inside a DST gap moves to
 * the first minute after it).
 *
 * @example dueOccurrences({ cron: '0 9 * * *', timezone: 'Asia/Tokyo', after, until, max: 10 })
 */
export function dueOccurrences(args: {
  cron: string;
  timezone: string;
  after: Date;
  until: Date;
  max: number;
}): Date[] {
  const time = new CronTime(args.cron, args.timezone);
  const due: Date[] = [];
  let from = args.after;
  while (due.length < args.max) {
    const next = time.getNextDateFrom(from, args.timezone).toJSDate();
    if (next.getTime() > args.until.getTime()) break;
    due.push(next);
    from = next;
  }
  return due;
}
