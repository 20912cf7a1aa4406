/** Parsing typed values out of prose: numbers with units and suffixes, dates (absolute and relative). */
import { DATE_PATTERN } from './analysis';

export interface NumberMention {
  value: number;
  text: string;
  index: number;
  kind: 'money' | 'percent' | 'count' | 'plain';
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  hundred: 100,
  dozen: 12,
};

/** Every number in the text, with K/M/B suffixes, currency and percent recognised. */
export function findNumbers(text: string): NumberMention[] {
  const out: NumberMention[] = [];
  const pattern =
    /([$€£])?\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?(k|m|b|bn|thousand|million|billion)?\b\s?(%|percent|usd|eur|gbp|dollars?|followers|views|likes|orders|units|items|pcs)?/gi;
  for (const m of text.matchAll(pattern)) {
    const digitsAt = m.index! + m[0].indexOf(m[2]!);
    const before = text.slice(Math.max(0, digitsAt - 1), digitsAt);
    if (/[A-Za-z_.]/.test(before) && !m[1]) continue; // part of an identifier like "v2", "TEE-001" or a handle
    const raw = m[2]!.replace(/,/g, '');
    // Dates and times are not quantities.
    const afterDigits = text.slice(digitsAt + m[2]!.length, digitsAt + m[2]!.length + 1);
    if (!m[1] && (afterDigits === '-' || afterDigits === '/' || afterDigits === ':') && /^\d+$/.test(raw)) continue;
    if (!m[1] && /[-/:]$/.test(before)) continue;
    let value = Number(raw);
    const suffix = (m[3] ?? '').toLowerCase();
    if (suffix === 'k' || suffix === 'thousand') value *= 1_000;
    else if (suffix === 'm' || suffix === 'million') value *= 1_000_000;
    else if (suffix === 'b' || suffix === 'bn' || suffix === 'billion') value *= 1_000_000_000;
    const unit = (m[4] ?? '').toLowerCase();
    const kind: NumberMention['kind'] =
      m[1] || /usd|eur|gbp|dollar/.test(unit)
        ? 'money'
        : unit === '%' || unit === 'percent'
          ? 'percent'
          : suffix || /followers|views|likes|orders|units|items|pcs/.test(unit)
            ? 'count'
            : 'plain';
    out.push({ value, text: m[0].trim(), index: digitsAt, kind });
  }
  for (const m of text.matchAll(
    /\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|dozen)\b/gi,
  )) {
    out.push({ value: NUMBER_WORDS[m[1]!.toLowerCase()]!, text: m[0], index: m.index!, kind: 'plain' });
  }
  return out.sort((a, b) => a.index - b.index);
}

const MONTH_INDEX: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function utc(year: number, month: number, day: number): Date | null {
  const d = new Date(Date.UTC(year, month, day));
  return d.getUTCMonth() === month && d.getUTCDate() === day ? d : null;
}

/** Parses one date expression; `now` anchors relative dates and missing years. */
export function parseDate(text: string, now: Date): Date | null {
  const t = text.trim().toLowerCase();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (iso) {
    if (iso[4]) {
      const parsed = Date.parse(text.trim().replace(' ', 'T') + (iso[7] ? '' : 'Z'));
      return Number.isNaN(parsed) ? null : new Date(parsed);
    }
    return utc(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]));
  }
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})$/.exec(t);
  if (us) {
    const year = Number(us[3]) < 100 ? 2000 + Number(us[3]) : Number(us[3]);
    return utc(year, Number(us[1]) - 1, Number(us[2]));
  }
  const monthFirst = /^([a-z]{3})[a-z]*\.? (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?$/.exec(t);
  const dayFirst = /^(\d{1,2})(?:st|nd|rd|th)? ([a-z]{3})[a-z]*\.?(?:,? (\d{4}))?$/.exec(t);
  const parts = monthFirst
    ? { m: monthFirst[1]!, d: monthFirst[2]!, y: monthFirst[3] }
    : dayFirst
      ? { m: dayFirst[2]!, d: dayFirst[1]!, y: dayFirst[3] }
      : null;
  if (parts && parts.m in MONTH_INDEX)
    return utc(parts.y ? Number(parts.y) : now.getUTCFullYear(), MONTH_INDEX[parts.m]!, Number(parts.d));
  const today = utc(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())!;
  const plusDays = (n: number) => new Date(today.getTime() + n * 86_400_000);
  if (t === 'today' || t === 'tonight') return today;
  if (t === 'tomorrow') return plusDays(1);
  if (t === 'yesterday') return plusDays(-1);
  const inN = /^in (\d+) (day|week|month)s?$/.exec(t);
  if (inN) return plusDays(Number(inN[1]) * (inN[2] === 'day' ? 1 : inN[2] === 'week' ? 7 : 30));
  if (t === 'next week') return plusDays(7);
  if (t === 'next month') return utc(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const weekday = /^(?:next |this |on )?(sunday|monday|tuesday|wednesday|thursday|friday|saturday)$/.exec(t);
  if (weekday) {
    const target = WEEKDAYS.indexOf(weekday[1]!);
    let delta = (target - today.getUTCDay() + 7) % 7;
    if (delta === 0) delta = 7;
    return plusDays(delta);
  }
  return null;
}

export interface DateMention {
  date: Date;
  text: string;
  index: number;
  hasTime: boolean;
}

/** Every date expression in the text, absolute or relative. */
export function findDates(text: string, now: Date): DateMention[] {
  const out: DateMention[] = [];
  for (const m of text.matchAll(DATE_PATTERN)) {
    const date = parseDate(m[0], now);
    if (date) out.push({ date, text: m[0], index: m.index!, hasTime: /\d{2}:\d{2}/.test(m[0]) });
  }
  const relative =
    /\b(today|tonight|tomorrow|yesterday|next week|next month|in \d+ (?:days?|weeks?|months?)|(?:next |this |on )?(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday))\b/gi;
  for (const m of text.matchAll(relative)) {
    if (out.some((d) => m.index! >= d.index && m.index! < d.index + d.text.length)) continue;
    const date = parseDate(m[0], now);
    if (date) out.push({ date, text: m[0], index: m.index!, hasTime: false });
  }
  return out.sort((a, b) => a.index - b.index);
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
