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

/**
 * Why a five-field cron expression is invalid, or undefined when it is valid.
 *
 * @example cronProblem('0 25 * * *') // 'hour 25 is out of range 0-23'
 */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5)
    return `expected 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
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
      if (!match) return `the ${spec.name} field '${fields[i]}' is not valid`;
      if (match[2] !== undefined && Number(match[2]) === 0) return `the ${spec.name} step cannot be 0`;
      if (match[1] === '*') continue;
      const [from, to] = match[1]!.split('-');
      for (const bound of [from, to]) {
        if (bound === undefined) continue;
        const n = toNumber(bound);
        if (n === undefined) return `'${bound}' is not a valid ${spec.name}`;
        if (n < spec.min || n > spec.max) return `${spec.name} ${bound} is out of range ${spec.min}-${spec.max}`;
      }
      if (to !== undefined && toNumber(from!)! > toNumber(to)!) return `the ${spec.name} range ${match[1]} is reversed`;
    }
  }
  return undefined;
}
