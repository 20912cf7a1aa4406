/** UTC calendar arithmetic on "day numbers" (whole days since 1970-01-01), the unit the generators are keyed by. */

export const DAY_MS = 86_400_000;

export function dayNumberOf(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS);
}

export function dateOfDay(day: number): Date {
  return new Date(day * DAY_MS);
}

/** `2026-01-05` for a day number. */
export function isoDay(day: number): string {
  return dateOfDay(day).toISOString().slice(0, 10);
}

export function startOfUtcDay(date: Date): Date {
  return dateOfDay(dayNumberOf(date));
}

/** ISO-8601 without milliseconds (`2026-01-05T14:03:22Z`), the way Shopify's DateTime scalar prints. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ISO-8601 with an explicit offset (`2026-01-05T14:03:22+00:00`), the way Shopify's REST payloads print. */
export function isoWithOffset(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** Parses the `now` option: a Date, an ISO string, or a date-only `YYYY-MM-DD` (start of that UTC day). */
export function parseInstant(value: Date | string | undefined, fallback: () => Date): Date {
  if (value === undefined) return fallback();
  const date = value instanceof Date ? new Date(value.getTime()) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`Invalid date: ${String(value)}`);
  return date;
}

/** The n-th weekday (0 = Sunday) of a month, 1-based n; month is 0-based. */
export function nthWeekdayOfMonth(year: number, month: number, weekday: number, n: number): number {
  const first = new Date(Date.UTC(year, month, 1));
  const offset = (weekday - first.getUTCDay() + 7) % 7;
  return dayNumberOf(first) + offset + (n - 1) * 7;
}
