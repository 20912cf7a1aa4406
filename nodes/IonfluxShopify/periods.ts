/**
 * Reporting periods in the shop's time zone (IANA name from `shop { ianaTimezone }`), relative to now.
 *
 * Periods are half-open [from, to). Conventions follow Shopify Analytics: `today` is the current calendar day,
 * `last_N_days` are the N whole days before today (today excluded), `month_to_date` and `year_to_date` run from the
 * first day of the month/year through today, `last_month` is the previous calendar month. `custom` takes `from`
 * (inclusive) and `to` (exclusive, default now) as dates (`2026-11-01`, midnight in the shop's zone) or date-times
 * (with an offset, or read in the shop's zone without one).
 */

export const PERIODS = [
  'today',
  'yesterday',
  'last_7_days',
  'last_30_days',
  'last_90_days',
  'last_365_days',
  'month_to_date',
  'last_month',
  'year_to_date',
  'custom',
] as const;
export type PeriodName = (typeof PERIODS)[number];

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface ResolvedPeriod {
  from: Date;
  to: Date;
  timeZone: string;
  /** `from` and `to` as ISO-8601 with the shop's UTC offset, e.g. 2026-11-01T00:00:00-04:00. */
  fromIso: string;
  toIso: string;
  /** Every calendar day (YYYY-MM-DD, shop zone) that overlaps the period, in order. */
  days: string[];
}

export class PeriodError extends Error {
  constructor(
    readonly parameter: 'period' | 'from' | 'to',
    message: string,
  ) {
    super(message);
    this.name = 'PeriodError';
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether the runtime knows the IANA zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function wallClock(instant: number, timeZone: string) {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** The zone's offset from UTC at an instant, in ms (e.g. -4 h for New York in summer). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall-clock time happens in the zone (the later one in a DST gap). */
export function zonedInstant(
  date: LocalDate,
  timeZone: string,
  time: { hour: number; minute: number; second: number } = { hour: 0, minute: 0, second: 0 },
): number {
  const guess = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute, time.second);
  const first = guess - zoneOffsetMs(guess, timeZone);
  const second = guess - zoneOffsetMs(first, timeZone);
  return second;
}

export function localDateOf(instant: number, timeZone: string): LocalDate {
  const w = wallClock(instant, timeZone);
  return { year: w.year, month: w.month, day: w.day };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function isoDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** ISO-8601 with the zone's offset at that instant: `2026-11-01T00:00:00-04:00`. */
export function isoInZone(instant: number, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  const offsetMinutes = Math.round(zoneOffsetMs(instant, timeZone) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A date or date-time bound of a custom period. */
export function parseBound(value: string, timeZone: string, parameter: 'from' | 'to'): number {
  const text = value.trim();
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const valid = (y: number, m: number, d: number) => {
    const check = new Date(Date.UTC(y, m - 1, d));
    return check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d;
  };
  if (dateOnly) {
    const [year, month, day] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    if (!valid(year, month, day))
      throw new PeriodError(parameter, `Parameter "${parameter}" is not a calendar date: "${value}".`);
    return zonedInstant({ year, month, day }, timeZone);
  }
  const local = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(text);
  if (local) {
    const [year, month, day] = [Number(local[1]), Number(local[2]), Number(local[3])];
    const [hour, minute, second] = [Number(local[4]), Number(local[5]), Number(local[6] ?? 0)];
    if (!valid(year, month, day) || hour > 23 || minute > 59 || second > 59)
      throw new PeriodError(parameter, `Parameter "${parameter}" is not a valid date-time: "${value}".`);
    return zonedInstant({ year, month, day }, timeZone, { hour, minute, second });
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    const instant = Date.parse(text.replace(' ', 'T'));
    if (!Number.isNaN(instant)) return instant;
  }
  throw new PeriodError(
    parameter,
    `Parameter "${parameter}" must be an ISO date (2026-11-01) or date-time (2026-11-01T09:00:00Z), but got "${value}".`,
  );
}

/**
 * The [from, to) range of a named period in a time zone.
 *
 * @example
 * resolvePeriod({ period: 'last_7_days', timeZone: 'America/New_York', now: new Date('2026-11-27T15:00:00Z') });
 * // from 2026-11-20T00:00:00-05:00, to 2026-11-27T00:00:00-05:00, days 2026-11-20 .. 2026-11-26
 */
export function resolvePeriod({
  period,
  from,
  to,
  timeZone,
  now = new Date(),
}: {
  period: PeriodName;
  from?: string;
  to?: string;
  timeZone: string;
  now?: Date;
}): ResolvedPeriod {
  if (!isTimeZone(timeZone))
    throw new PeriodError('period', `The shop's time zone "${timeZone}" is unknown to this runtime.`);
  const today = localDateOf(now.getTime(), timeZone);
  const startOf = (date: LocalDate) => zonedInstant(date, timeZone);
  let start: number;
  let end: number;
  switch (period) {
    case 'today':
      start = startOf(today);
      end = startOf(addDays(today, 1));
      break;
    case 'yesterday':
      start = startOf(addDays(today, -1));
      end = startOf(today);
      break;
    case 'last_7_days':
    case 'last_30_days':
    case 'last_90_days':
    case 'last_365_days': {
      const n = Number(/\d+/.exec(period)![0]);
      start = startOf(addDays(today, -n));
      end = startOf(today);
      break;
    }
    case 'month_to_date':
      start = startOf({ year: today.year, month: today.month, day: 1 });
      end = startOf(addDays(today, 1));
      break;
    case 'last_month': {
      const first = {
        year: today.month === 1 ? today.year - 1 : today.year,
        month: today.month === 1 ? 12 : today.month - 1,
        day: 1,
      };
      start = startOf(first);
      end = startOf({ year: today.year, month: today.month, day: 1 });
      break;
    }
    case 'year_to_date':
      start = startOf({ year: today.year, month: 1, day: 1 });
      end = startOf(addDays(today, 1));
      break;
    case 'custom': {
      if (from === undefined)
        throw new PeriodError('from', 'Parameter "from" is required when period is "custom" (e.g. 2026-11-01).');
      start = parseBound(from, timeZone, 'from');
      end = to === undefined ? now.getTime() : parseBound(to, timeZone, 'to');
      if (end <= start)
        throw new PeriodError(
          to === undefined ? 'from' : 'to',
          `The period is empty: "to" (${to ?? 'now'}) must be after "from" (${from}).`,
        );
      break;
    }
    default:
      throw new PeriodError(
        'period',
        `Parameter "period" must be one of ${PERIODS.join(', ')}, but got "${String(period)}".`,
      );
  }
  const days: string[] = [];
  const last = localDateOf(end - 1, timeZone);
  for (let d = localDateOf(start, timeZone); isoDate(d) <= isoDate(last); d = addDays(d, 1)) days.push(isoDate(d));
  return {
    from: new Date(start),
    to: new Date(end),
    timeZone,
    fromIso: isoInZone(start, timeZone),
    toIso: isoInZone(end, timeZone),
    days,
  };
}

/**
 * Shopify search terms selecting `created_at` in [from, to), in UTC (unambiguous for Shopify's parser). Shopify
 * times have whole seconds, so a bound with milliseconds (custom `to` = now) is rounded to keep every order in it.
 */
export function createdAtQuery(period: Pick<ResolvedPeriod, 'from' | 'to'>): string {
  const utc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `created_at:>='${utc(Math.floor(period.from.getTime() / 1000) * 1000)}' created_at:<'${utc(Math.ceil(period.to.getTime() / 1000) * 1000)}'`;
}
