import type { DiagnosticMessage } from '../diagnostics';

/** Five-field cron expressions, as the schedule trigger takes them (n8n's Schedule Trigger runs them). */

const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** Why a cron expression is invalid: an IFX505 message of the diagnostics catalog. */
export type CronProblem = Extract<DiagnosticMessage, { code: 'IFX505' }>;

/**
 * Why a five-field cron expression is invalid, or undefined when it is valid.
 *
 * @example formatMessage(cronProblem('0 25 * * *')!) // "Invalid cron '0 25 * * *': hour 25 is out of range 0-23."
 */
export function cronProblem(cron: string): CronProblem | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return { code: 'IFX505', messageId: 'fieldCount', data: { cron, count: fields.length } };
  for (let i = 0; i < 5; i++) {
    const spec = CRON_FIELDS[i]!;
    const toNumber = (text: string): number | undefined => {
      const upper = text.toUpperCase();
      const named = spec.names?.indexOf(upper) ?? -1;
      if (named >= 0) return named + (spec.name === 'month' ? 1 : 0);
      return /^\d+$/.test(text) ? Number(text) : undefined;
    };
    for (const part of fields[i]!.split(',')) {
      const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
      const field = spec.name;
      if (!match) return { code: 'IFX505', messageId: 'invalidField', data: { cron, field, value: fields[i]! } };
      if (match[2] !== undefined && Number(match[2]) === 0)
        return { code: 'IFX505', messageId: 'zeroStep', data: { cron, field } };
      if (match[1] === '*') continue;
      const [from, to] = match[1]!.split('-');
      for (const bound of [from, to]) {
        if (bound === undefined) continue;
        const n = toNumber(bound);
        if (n === undefined) return { code: 'IFX505', messageId: 'invalidValue', data: { cron, field, value: bound } };
        if (n < spec.min || n > spec.max) {
          const data = { cron, field, value: bound, min: spec.min, max: spec.max };
          return { code: 'IFX505', messageId: 'outOfRange', data };
        }
      }
      if (to !== undefined && toNumber(from!)! > toNumber(to)!)
        return { code: 'IFX505', messageId: 'reversedRange', data: { cron, field, range: match[1]! } };
    }
  }
  return undefined;
}
