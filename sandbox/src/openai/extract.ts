/**
 * Schema-shaped extraction: fills a JSON Schema from the input text so that the result validates against it.
 *
 * For each field, the field's name and description are the query: strings come from `key: value` lines or the most
 * relevant sentence (or a typed detector: email, URL, date, handle, money, sentiment...), numbers and dates are parsed
 * near the field's words, enums are chosen by similarity, arrays of strings come from bullet items, keywords or
 * sentences, booleans from cue words with negation, and nested objects recurse (arrays of objects recurse per bullet
 * line or sentence). Fields without evidence become null when the schema allows it, the minimum/empty value otherwise.
 */
import { extractEntities, extractKeywords, sentimentLabel, summarize } from './analysis';
import {
  STOPWORDS,
  contentStems,
  identifierWords,
  inverseDocumentFrequency,
  splitSentences,
  stem,
  words,
} from './text';
import { findDates, findNumbers, isoDate } from './values';
import type { NumberMention } from './values';

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  description?: string;
  title?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  default?: unknown;
  nullable?: boolean;
  additionalProperties?: boolean | JsonSchema;
  [key: string]: unknown;
};

interface Scope {
  text: string;
  sentences: string[];
  lines: string[];
  idf: Map<string, number>;
}

export interface ExtractionOptions {
  now: Date;
  /** The instruction (kept apart from the document so that it does not leak into values). */
  instruction?: string;
}

interface Result {
  value: unknown;
  evidence: boolean;
}

const MAX_DEPTH = 8;

function makeScope(text: string): Scope {
  const sentences = splitSentences(text);
  return {
    text,
    sentences,
    lines: text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
    idf: inverseDocumentFrequency(sentences.map((s) => contentStems(s))),
  };
}

function cueStems(name: string, schema: JsonSchema): string[] {
  const fromName = identifierWords(name).filter((w) => !STOPWORDS.has(w) && !['is', 'has', 'id', 'the'].includes(w));
  const fromDescription = schema.description ? contentStems(schema.description).slice(0, 8) : [];
  return [...new Set([...fromName.map(stem), ...fromDescription])];
}

/** Sentences ranked by the IDF-weighted overlap with the cue stems (prefix matches count half). */
function relevant(scope: Scope, cues: string[]): { sentence: string; score: number; index: number }[] {
  if (cues.length === 0) return [];
  return scope.sentences
    .map((sentence, index) => {
      const stems = contentStems(sentence);
      let score = 0;
      for (const cue of cues) {
        if (stems.includes(cue)) score += scope.idf.get(cue) ?? 1;
        else if (cue.length >= 4 && stems.some((s) => s.startsWith(cue) || (cue.startsWith(s) && s.length >= 4)))
          score += (scope.idf.get(cue) ?? 1) * 0.5;
      }
      return { sentence, score, index };
    })
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index);
}

/** `Budget: $500`, `Deadline - March 3` lines whose key matches the field. */
function keyValue(scope: Scope, name: string, cues: string[]): string | null {
  const nameWords = identifierWords(name).map(stem);
  let best: { value: string; score: number } | null = null;
  for (const line of scope.lines) {
    const m = /^\s*(?:[-*•]\s*)?([A-Za-z][A-Za-z0-9 _/&'-]{0,40}?)\s*(?::|=|\s-\s|–|—)\s*(.+)$/.exec(line);
    if (!m) continue;
    const keyStems = words(m[1]!)
      .filter((w) => !STOPWORDS.has(w))
      .map(stem);
    if (keyStems.length === 0) continue;
    const overlap = keyStems.filter((k) => nameWords.includes(k) || cues.includes(k)).length;
    const score = overlap / keyStems.length + (keyStems.join(' ') === nameWords.join(' ') ? 1 : 0);
    if (overlap > 0 && score >= 0.5 && (!best || score > best.score)) best = { value: m[2]!.trim(), score };
  }
  return best?.value ?? null;
}

function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let i = 0; i < 10 && current.$ref; i++) {
    const ref = current.$ref;
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    const target = m
      ? (root[m[1]!] as Record<string, JsonSchema> | undefined)?.[decodeURIComponent(m[2]!)]
      : ref === '#'
        ? root
        : undefined;
    if (!target) break;
    const { $ref: _ignored, ...rest } = current;
    current = { ...target, ...rest };
  }
  return current;
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (typeof schema.type === 'string') return [schema.type];
  if (schema.properties) return ['object'];
  if (schema.items) return ['array'];
  if (schema.enum)
    return [...new Set(schema.enum.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)))];
  return ['string'];
}

function nameHas(name: string, pattern: RegExp): boolean {
  return pattern.test(identifierWords(name).join(' '));
}

// ---------------------------------------------------------------------------------------------------------------------
// Enums and classification

const LABEL_SYNONYMS: Record<string, string[]> = {
  positive: [
    'love',
    'great',
    'excellent',
    'happy',
    'amazing',
    'good',
    'perfect',
    'recommend',
    'thanks',
    'pleased',
    'glad',
  ],
  negative: [
    'bad',
    'terrible',
    'awful',
    'hate',
    'broken',
    'late',
    'refund',
    'angry',
    'disappointed',
    'worst',
    'damaged',
    'missing',
    'wrong',
    'complaint',
  ],
  neutral: ['okay', 'fine', 'average', 'question', 'wondering', 'info', 'information'],
  high: ['urgent', 'asap', 'immediately', 'critical', 'important', 'escalate', 'now'],
  urgent: ['asap', 'immediately', 'critical', 'emergency', 'now', 'today'],
  low: ['whenever', 'minor', 'eventually', 'later', 'someday'],
  refund: ['refund', 'money back', 'return', 'reimburse', 'chargeback'],
  shipping: ['shipping', 'delivery', 'package', 'tracking', 'arrive', 'courier', 'shipped'],
  billing: ['invoice', 'charge', 'payment', 'card', 'billing', 'charged'],
  spam: ['free money', 'winner', 'click here', 'crypto', 'lottery', 'prize', 'viagra'],
  complaint: [
    'broke',
    'late',
    'damaged',
    'wrong',
    'bad',
    'angry',
    'disappointed',
    'refund',
    'money back',
    'unacceptable',
    'terrible',
    'awful',
    'worst',
    'never arrived',
  ],
  question: ['how', 'what', 'when', 'where', 'why', 'can', 'does', 'question', '?'],
  status: ['where is', 'when will', 'tracking', 'shipped', 'parcel', 'package', 'delivery'],
};

/** Scores each label by lexical overlap (stems, prefixes, synonyms) with the text; ties break by list order. */
export function chooseLabel(labels: string[], text: string): { label: string; scores: number[] } {
  const stems = contentStems(text);
  const lower = ` ${text.toLowerCase()} `;
  const sentiment = sentimentLabel(text);
  const scores = labels.map((label) => {
    const labelWords = words(label);
    let score = 0;
    for (const w of labelWords) {
      const s = stem(w);
      score += stems.filter((t) => t === s).length * 2;
      if (s.length >= 4)
        score += stems.filter((t) => t !== s && (t.startsWith(s) || s.startsWith(t)) && t.length >= 4).length;
      for (const syn of LABEL_SYNONYMS[w] ?? []) if (lower.includes(syn.length <= 2 ? syn : ` ${syn}`)) score += 1.5;
    }
    if (labelWords.includes(sentiment)) score += 2;
    return score;
  });
  let best = 0;
  scores.forEach((s, i) => {
    if (s > scores[best]!) best = i;
  });
  return { label: labels[best]!, scores };
}

// ---------------------------------------------------------------------------------------------------------------------
// Strings

function clampString(value: string, schema: JsonSchema): string {
  let v = value;
  if (schema.maxLength !== undefined && v.length > schema.maxLength)
    v = v.slice(0, Math.max(0, schema.maxLength - 1)).trimEnd() + (schema.maxLength > 1 ? '…' : '');
  if (schema.maxLength !== undefined && v.length > schema.maxLength) v = v.slice(0, schema.maxLength);
  if (schema.minLength !== undefined && v.length < schema.minLength) v = v.padEnd(schema.minLength, '.');
  return v;
}

function firstEntity(scope: Scope, type: string, cues: string[]): string | null {
  const entities = extractEntities(scope.text).filter((e) => e.type === type);
  if (entities.length === 0) return null;
  const top = relevant(scope, cues)[0];
  if (top) {
    const inTop = entities.find((e) => top.sentence.includes(e.text));
    if (inTop) return inTop.text;
  }
  return entities[0]!.text;
}

function stringValue(name: string, schema: JsonSchema, scope: Scope, options: ExtractionOptions): Result {
  const cues = cueStems(name, schema);
  const kv = keyValue(scope, name, cues);
  const fmt = schema.format;
  const n = identifierWords(name).join(' ');
  const fromDates = (withTime: boolean): Result => {
    const source = kv ?? relevant(scope, cues)[0]?.sentence ?? scope.text;
    const date = findDates(source, options.now)[0] ?? findDates(scope.text, options.now)[0];
    if (!date) return { value: withTime ? options.now.toISOString() : isoDate(options.now), evidence: false };
    return { value: withTime ? date.date.toISOString() : isoDate(date.date), evidence: true };
  };
  if (fmt === 'date' || (/\b(date|day|deadline|due|birthday)\b/.test(n) && fmt !== 'date-time'))
    return fromDates(false);
  if (fmt === 'date-time' || /\b(at|time|timestamp|datetime)$/.test(n)) return fromDates(true);
  if (fmt === 'email' || /\bemail\b/.test(n)) {
    const v =
      (kv ? kv.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/)?.[0] : null) ??
      firstEntity(scope, 'email', cues);
    return v ? { value: v, evidence: true } : { value: fmt === 'email' ? 'unknown@example.com' : '', evidence: false };
  }
  if (fmt === 'uri' || fmt === 'url' || /\b(url|link|website|homepage)\b/.test(n)) {
    const v = firstEntity(scope, 'url', cues);
    return v ? { value: v, evidence: true } : { value: fmt ? 'https://example.com/' : '', evidence: false };
  }
  if (/\bphone\b/.test(n)) {
    const v = firstEntity(scope, 'phone', cues);
    return v ? { value: v, evidence: true } : { value: '', evidence: false };
  }
  if (/\b(handle|username|user name|creator|influencer|account)\b/.test(n)) {
    const v = kv?.match(/@?[A-Za-z0-9_.]+/)?.[0] ?? firstEntity(scope, 'handle', cues);
    if (v) return { value: v, evidence: true };
  }
  if (/\bhashtag\b/.test(n)) {
    const v = firstEntity(scope, 'hashtag', cues);
    if (v) return { value: v, evidence: true };
  }
  if (/\bsentiment\b|\btone\b|\bmood\b/.test(n)) return { value: sentimentLabel(kv ?? scope.text), evidence: true };
  if (/\bcurrency\b/.test(n)) {
    const t = scope.text;
    const code = /€|\beur\b/i.test(t)
      ? 'EUR'
      : /£|\bgbp\b/i.test(t)
        ? 'GBP'
        : /\$|\busd\b|dollar/i.test(t)
          ? 'USD'
          : null;
    return code ? { value: code, evidence: true } : { value: 'USD', evidence: false };
  }
  if (/\blanguage\b/.test(n)) return { value: 'en', evidence: false };
  if (kv) return { value: kv.replace(/^["']|["'.]$/g, ''), evidence: true };
  if (/\b(summary|overview|abstract|tldr|synopsis|description|gist)\b/.test(n)) {
    const s = summarize(scope.text, { sentences: schema.maxLength !== undefined && schema.maxLength < 160 ? 1 : 2 });
    return { value: s.join(' '), evidence: s.length > 0 };
  }
  const rel = relevant(scope, cues);
  if (
    /\b(name|title|brand|company|product|topic|subject|headline|category|niche|city|country|location|person|customer|vendor|store|shop|item)\b/.test(
      n,
    )
  ) {
    const source = rel[0]?.sentence ?? scope.text;
    const entities = extractEntities(source).filter((e) => e.type === 'name' || e.type === 'handle');
    const cueWords = new Set(cues);
    const named = entities.find((e) => !contentStems(e.text).every((s) => cueWords.has(s)));
    if (named) return { value: named.text, evidence: true };
    if (/\b(title|headline|subject)\b/.test(n)) {
      const first = summarize(scope.text, { sentences: 1 })[0];
      if (first)
        return {
          value: first
            .split(/\s+/)
            .slice(0, 10)
            .join(' ')
            .replace(/[.,;:!?]$/, ''),
          evidence: true,
        };
    }
    const keyword = extractKeywords(source, 1)[0] ?? extractKeywords(scope.text, 1)[0];
    if (keyword) return { value: keyword.phrase, evidence: rel.length > 0 };
  }
  if (rel[0]) return { value: rel[0].sentence, evidence: true };
  const fallback = summarize(scope.text, { sentences: 1 })[0] ?? '';
  return { value: fallback, evidence: false };
}

// ---------------------------------------------------------------------------------------------------------------------
// Numbers

function preferredKind(name: string): NumberMention['kind'] | null {
  if (nameHas(name, /\b(price|total|amount|cost|budget|revenue|spend|spent|fee|salary|value|rate usd|payout|sales)\b/))
    return 'money';
  if (nameHas(name, /\b(percent|percentage|rate|ratio|share|margin|growth|engagement)\b/)) return 'percent';
  if (
    nameHas(
      name,
      /\b(followers|views|likes|count|number|quantity|qty|orders|subscribers|comments|shares|units|items)\b/,
    )
  )
    return 'count';
  return null;
}

function numberValue(name: string, schema: JsonSchema, scope: Scope, integer: boolean): Result {
  const cues = cueStems(name, schema);
  const kv = keyValue(scope, name, cues);
  const kind = preferredKind(name);
  let chosen: NumberMention | undefined;
  if (kv) chosen = findNumbers(kv)[0];
  if (!chosen) {
    for (const r of relevant(scope, cues).slice(0, 3)) {
      const numbers = findNumbers(r.sentence);
      if (numbers.length === 0) continue;
      const lower = r.sentence.toLowerCase();
      const cuePositions = cues.map((c) => lower.indexOf(c)).filter((i) => i >= 0);
      const distance = (m: NumberMention) =>
        cuePositions.length === 0 ? m.index : Math.min(...cuePositions.map((p) => Math.abs(p - m.index)));
      chosen = [...numbers].sort(
        (a, b) => (kind ? Number(b.kind === kind) - Number(a.kind === kind) : 0) || distance(a) - distance(b),
      )[0];
      break;
    }
  }
  if (!chosen && kind) chosen = findNumbers(scope.text).find((m) => m.kind === kind);
  // Size-like parameters ("limit", "count", "top") take the first quantity mentioned ("get the 50 paid orders").
  if (!chosen && nameHas(name, /\b(limit|count|number|num|max|top|first|last|quantity|size|n)\b/))
    chosen = findNumbers(scope.text).find((m) => m.kind !== 'money' && m.kind !== 'percent');
  let value = chosen ? chosen.value : typeof schema.minimum === 'number' ? schema.minimum : 0;
  if (chosen?.kind === 'percent' && typeof schema.maximum === 'number' && schema.maximum <= 1) value /= 100;
  if (integer) value = Math.round(value);
  return { value: clampNumber(value, schema, integer), evidence: chosen !== undefined };
}

function clampNumber(value: number, schema: JsonSchema, integer: boolean): number {
  let v = value;
  const step = integer ? 1 : 0.01;
  if (typeof schema.minimum === 'number' && v < schema.minimum) v = schema.minimum;
  if (typeof schema.maximum === 'number' && v > schema.maximum) v = schema.maximum;
  if (typeof schema.exclusiveMinimum === 'number' && v <= schema.exclusiveMinimum) v = schema.exclusiveMinimum + step;
  if (typeof schema.exclusiveMaximum === 'number' && v >= schema.exclusiveMaximum) v = schema.exclusiveMaximum - step;
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0)
    v = Math.round(v / schema.multipleOf) * schema.multipleOf;
  return integer ? Math.round(v) : Math.round(v * 1e6) / 1e6;
}

// ---------------------------------------------------------------------------------------------------------------------
// Booleans

function booleanValue(name: string, schema: JsonSchema, scope: Scope): Result {
  const cues = cueStems(name, schema);
  const kv = keyValue(scope, name, cues);
  if (kv) {
    if (/^(yes|true|y|yeah|correct|on|1)\b/i.test(kv)) return { value: true, evidence: true };
    if (/^(no|false|n|nope|off|0|none)\b/i.test(kv)) return { value: false, evidence: true };
  }
  const top = relevant(scope, cues)[0];
  if (!top) return { value: false, evidence: false };
  const negated =
    /\b(not|no|never|without|isn't|aren't|wasn't|don't|doesn't|didn't|cannot|can't|won't|nothing)\b/i.test(
      top.sentence,
    );
  return { value: !negated, evidence: true };
}

// ---------------------------------------------------------------------------------------------------------------------
// Arrays

function itemSegments(scope: Scope): string[] {
  const bullets = scope.lines
    .filter((l) => /^([-*•]|\d+[.)])\s+/.test(l))
    .map((l) => l.replace(/^([-*•]|\d+[.)])\s+/, ''));
  if (bullets.length >= 2) return bullets;
  const lines = scope.lines.filter((l) => !/:\s*$/.test(l));
  if (lines.length >= 3) return lines;
  return scope.sentences;
}

function arrayValue(
  name: string,
  schema: JsonSchema,
  scope: Scope,
  options: ExtractionOptions,
  root: JsonSchema,
  depth: number,
): Result {
  const itemSchema = resolveRef(
    (Array.isArray(schema.items) ? schema.items[0] : schema.items) ?? { type: 'string' },
    root,
  );
  const itemTypes = typesOf(itemSchema);
  const max = schema.maxItems ?? (itemTypes.includes('object') ? 10 : 8);
  const min = schema.minItems ?? 0;
  const n = identifierWords(name).join(' ');
  let items: unknown[] = [];
  let evidence = false;
  if (itemSchema.enum) {
    const labels = itemSchema.enum.filter((v): v is string => typeof v === 'string');
    const { scores } = chooseLabel(labels, scope.text);
    items = labels.filter((_, i) => scores[i]! > 0);
    evidence = items.length > 0;
    if (items.length === 0 && labels.length > 0) items = [chooseLabel(labels, scope.text).label];
  } else if (itemTypes.includes('object')) {
    const segments = itemSegments(scope);
    const props = Object.keys(itemSchema.properties ?? {});
    for (const segment of segments) {
      const segScope = makeScope(segment);
      const filled = fillValue(`${name} item`, itemSchema, segScope, options, root, depth + 1);
      const hits = props.filter((p) => {
        const cues = cueStems(p, itemSchema.properties![p]!);
        return relevant(segScope, cues).length > 0 || keyValue(segScope, p, cues) !== null;
      }).length;
      if (filled.evidence && (hits > 0 || segments.length <= max)) items.push(filled.value);
      if (items.length >= max) break;
    }
    evidence = items.length > 0;
  } else if (itemTypes.includes('number') || itemTypes.includes('integer')) {
    const cues = cueStems(name, schema);
    const source =
      relevant(scope, cues)
        .map((r) => r.sentence)
        .join(' ') || scope.text;
    items = findNumbers(source).map((m) =>
      clampNumber(
        itemTypes.includes('integer') ? Math.round(m.value) : m.value,
        itemSchema,
        itemTypes.includes('integer'),
      ),
    );
    evidence = items.length > 0;
  } else {
    const entityType = /\bemails?\b/.test(n)
      ? 'email'
      : /\b(urls?|links?)\b/.test(n)
        ? 'url'
        : /\bhashtags?\b/.test(n)
          ? 'hashtag'
          : /\b(handles?|creators?|usernames?|influencers?|accounts?)\b/.test(n)
            ? 'handle'
            : /\b(names?|people|persons?|entities|brands?|companies|organizations?)\b/.test(n)
              ? 'name'
              : null;
    if (entityType) {
      items = [
        ...new Set(
          extractEntities(scope.text)
            .filter((e) => e.type === entityType)
            .map((e) => e.text),
        ),
      ];
      if (entityType === 'hashtag' && items.length === 0)
        items = extractKeywords(scope.text, max).map((k) => `#${k.phrase.toLowerCase().replace(/[^a-z0-9]+/g, '')}`);
    } else if (
      /\b(keywords?|tags?|topics?|themes?|key phrases?|keyphrases?|terms?|categories|skills?|interests?)\b/.test(n)
    ) {
      items = extractKeywords(scope.text, max).map((k) => k.phrase);
    } else if (/\b(dates?)\b/.test(n)) {
      items = findDates(scope.text, options.now).map((d) => isoDate(d.date));
    } else {
      const bullets = scope.lines
        .filter((l) => /^([-*•]|\d+[.)])\s+/.test(l))
        .map((l) => l.replace(/^([-*•]|\d+[.)])\s+/, ''));
      if (bullets.length > 0) items = bullets;
      else {
        const cues = cueStems(name, schema);
        const rel = relevant(scope, cues).map((r) => r.sentence);
        items = rel.length > 0 ? rel : summarize(scope.text, { sentences: Math.min(max, 3) });
      }
    }
    evidence = items.length > 0;
    items = items.map((v) => clampString(String(v), itemSchema));
  }
  if (schema.uniqueItems) items = [...new Map(items.map((v) => [JSON.stringify(v), v])).values()];
  items = items.slice(0, max);
  // Pad to minItems with keywords (strings) or filled items, so the result still validates.
  let pad = 0;
  while (items.length < min && pad < min + 10) {
    const filler = fillValue(`${name} ${pad}`, itemSchema, scope, options, root, depth + 1).value;
    const candidate =
      itemTypes.includes('string') && typeof filler === 'string'
        ? (extractKeywords(scope.text, min + 10)[items.length]?.phrase ?? `${filler}${pad ? ` (${pad})` : ''}`)
        : filler;
    if (!schema.uniqueItems || !items.some((v) => JSON.stringify(v) === JSON.stringify(candidate)))
      items.push(candidate);
    pad++;
  }
  return { value: items, evidence };
}

// ---------------------------------------------------------------------------------------------------------------------

function fillValue(
  name: string,
  rawSchema: JsonSchema,
  scope: Scope,
  options: ExtractionOptions,
  root: JsonSchema,
  depth: number,
): Result {
  const schema = resolveRef(rawSchema, root);
  if (schema.const !== undefined) return { value: schema.const, evidence: true };
  if (schema.allOf && schema.allOf.length > 0) {
    const merged = schema.allOf.reduce<JsonSchema>(
      (acc, part) => {
        const p = resolveRef(part, root);
        return {
          ...acc,
          ...p,
          properties: { ...acc.properties, ...p.properties },
          required: [...(acc.required ?? []), ...(p.required ?? [])],
        };
      },
      { ...schema, allOf: undefined },
    );
    return fillValue(name, merged, scope, options, root, depth);
  }
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches && branches.length > 0) {
    const resolved = branches.map((b) => resolveRef({ description: schema.description, ...b }, root));
    const nullable = resolved.some((b) => typesOf(b).includes('null') && typesOf(b).length === 1);
    let firstResult: Result | null = null;
    for (const branch of resolved) {
      if (typesOf(branch).length === 1 && typesOf(branch)[0] === 'null') continue;
      const r = fillValue(name, branch, scope, options, root, depth);
      if (r.evidence) return r;
      firstResult ??= r;
    }
    if (nullable) return { value: null, evidence: false };
    return firstResult ?? { value: null, evidence: false };
  }
  if (schema.enum && schema.enum.length > 0) {
    const strings = schema.enum.filter((v): v is string => typeof v === 'string');
    if (strings.length === 0) return { value: schema.enum[0], evidence: false };
    const cues = cueStems(name, schema);
    const kv = keyValue(scope, name, cues);
    const focus =
      kv ??
      relevant(scope, cues)
        .slice(0, 2)
        .map((r) => r.sentence)
        .join(' ');
    const picked = chooseLabel(strings, focus || scope.text);
    const max = Math.max(...picked.scores);
    return { value: max > 0 ? picked.label : chooseLabel(strings, scope.text).label, evidence: max > 0 };
  }
  const types = typesOf(schema).filter((t) => t !== 'null');
  const nullable = typesOf(schema).includes('null') || schema.nullable === true;
  if (depth > MAX_DEPTH)
    return { value: nullable ? null : types[0] === 'object' ? {} : types[0] === 'array' ? [] : '', evidence: false };
  const type = types[0] ?? 'null';
  let result: Result;
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? Object.keys(properties));
      const out: Record<string, unknown> = {};
      let evidence = false;
      for (const [key, sub] of Object.entries(properties)) {
        const r = fillValue(key, sub, scope, options, root, depth + 1);
        if (r.evidence || required.has(key)) out[key] = r.value;
        evidence ||= r.evidence;
      }
      result = { value: out, evidence };
      break;
    }
    case 'array':
      result = arrayValue(name, schema, scope, options, root, depth);
      break;
    case 'number':
    case 'integer':
      result = numberValue(name, schema, scope, type === 'integer');
      break;
    case 'boolean':
      result = booleanValue(name, schema, scope);
      break;
    case 'null':
      return { value: null, evidence: false };
    default: {
      const r = stringValue(name, schema, scope, options);
      let value = clampString(String(r.value), schema);
      if (schema.pattern) {
        const re = safeRegExp(schema.pattern);
        if (re && !re.test(value)) {
          const candidate = [r.value, ...extractEntities(scope.text).map((e) => e.text), ...scope.text.split(/[\s,;]+/)]
            .map(String)
            .find((c) => re.test(c));
          value = candidate ?? value;
        }
      }
      result = { value, evidence: r.evidence };
    }
  }
  if (!result.evidence && nullable) return { value: null, evidence: false };
  return result;
}

function safeRegExp(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return null;
  }
}

/**
 * Fills `schema` from `text`.
 *
 * @example
 * extractBySchema({ type: 'object', properties: { email: { type: 'string' }, budget: { type: 'number' } } },
 *   'Budget: $1,500. Reach me at ana@example.com', { now: new Date() });
 * // { email: 'ana@example.com', budget: 1500 }
 */
export function extractBySchema(schema: JsonSchema, text: string, options: ExtractionOptions): unknown {
  return fillValue(schema.title ?? 'value', schema, makeScope(text), options, schema, 0).value;
}

/** Keys named in an instruction ("Return JSON with keys: title, price and tags" or a JSON skeleton). */
export function keysFromInstruction(instruction: string): string[] {
  const skeleton = instruction.match(/\{[^{}]*\}/);
  if (skeleton) {
    const keys = [...skeleton[0].matchAll(/["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*:/g)].map((m) => m[1]!);
    if (keys.length > 0) return [...new Set(keys)];
  }
  const list =
    /\b(?:keys|fields|properties|attributes)\b\s*(?:named|called)?\s*:?\s*([A-Za-z0-9_"'`,\s]+?)(?:[.;\n]|$)/i.exec(
      instruction,
    );
  if (list) {
    return list[1]!
      .split(/,|\band\b/)
      .map((k) => k.trim().replace(/["'`]/g, ''))
      .filter((k) => /^[A-Za-z_][A-Za-z0-9_ ]*$/.test(k) && k.length <= 40)
      .map((k) => k.replace(/\s+/g, '_'));
  }
  return [];
}

/** A schema for json_object mode built from the keys an instruction names (types guessed from the names). */
export function schemaForKeys(keys: string[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const key of keys) {
    const n = identifierWords(key).join(' ');
    if (/^(is|has|should|can|needs?|requires?)\b/.test(n)) properties[key] = { type: 'boolean' };
    else if (/\b(count|number|total|price|amount|quantity|age|score|rating|followers|views|budget)\b/.test(n))
      properties[key] = { type: 'number' };
    else if (/(s|list|items)$/.test(key) && !/(status|address|business|news|analysis)$/.test(key))
      properties[key] = { type: 'array', items: { type: 'string' } };
    else properties[key] = { type: 'string' };
  }
  return { type: 'object', properties, required: keys, additionalProperties: false };
}
