/**
 * Extractive analysis: sentence ranking (TextRank over TF-IDF cosine similarity), keyword phrases (RAKE-style scores
 * weighted by TF-IDF), entities (regular patterns plus capitalised phrases) and a lexicon sentiment.
 */
import { STOPWORDS, contentStems, cosine, inverseDocumentFrequency, splitSentences, stem, tfidf, words } from './text';

export interface RankedSentence {
  index: number;
  text: string;
  score: number;
}

/**
 * Ranks sentences by centrality (PageRank over the sentence similarity graph), with a small lead bias and a boost
 * for sentences sharing terms with `focus` (e.g. "focusing on refunds").
 */
export function rankSentences(text: string, focus = ''): RankedSentence[] {
  const sentences = splitSentences(text);
  if (sentences.length === 0) return [];
  const terms = sentences.map((s) => contentStems(s));
  const idf = inverseDocumentFrequency(terms);
  const vectors = terms.map((t) => tfidf(t, idf));
  const n = sentences.length;
  const sim: number[][] = vectors.map((a, i) => vectors.map((b, j) => (i === j ? 0 : cosine(a, b))));
  const outWeight = sim.map((row) => row.reduce((s, x) => s + x, 0));
  let rank = new Array<number>(n).fill(1 / n);
  for (let iter = 0; iter < 40; iter++) {
    const next = new Array<number>(n).fill((1 - 0.85) / n);
    for (let j = 0; j < n; j++) {
      if (outWeight[j] === 0) continue;
      for (let i = 0; i < n; i++) if (sim[j]![i]! > 0) next[i]! += (0.85 * rank[j]! * sim[j]![i]!) / outWeight[j]!;
    }
    rank = next;
  }
  const focusStems = new Set(contentStems(focus));
  const max = Math.max(...rank);
  return sentences.map((s, i) => {
    const lengthPenalty = terms[i]!.length < 3 ? 0.6 : 1;
    const lead = 1 + 0.15 * Math.max(0, 1 - i / Math.max(3, n / 3));
    const focusHits = focusStems.size === 0 ? 0 : terms[i]!.filter((t) => focusStems.has(t)).length;
    const numbers = /\d/.test(s) ? 1.05 : 1;
    return {
      index: i,
      text: s,
      score: (rank[i]! / (max || 1)) * lengthPenalty * lead * numbers * (1 + 0.5 * focusHits),
    };
  });
}

export interface SummaryLength {
  sentences?: number;
  words?: number;
}

/** The best sentences in their original order, within a sentence or word budget. */
export function summarize(text: string, length: SummaryLength = {}, focus = ''): string[] {
  const ranked = rankSentences(text, focus);
  if (ranked.length === 0) return [];
  const byScore = [...ranked].sort((a, b) => b.score - a.score || a.index - b.index);
  const chosen: RankedSentence[] = [];
  if (length.words !== undefined) {
    let budget = length.words;
    for (const s of byScore) {
      const count = s.text.split(/\s+/).length;
      if (count <= budget) {
        chosen.push(s);
        budget -= count;
      }
      if (budget < 4) break;
    }
    if (chosen.length === 0) {
      const best = byScore[0]!;
      chosen.push({
        ...best,
        text: `${best.text
          .split(/\s+/)
          .slice(0, Math.max(1, length.words))
          .join(' ')
          .replace(/[,;:]$/, '')}…`,
      });
    }
  } else {
    chosen.push(...byScore.slice(0, Math.max(1, length.sentences ?? 3)));
  }
  return chosen.sort((a, b) => a.index - b.index).map((s) => s.text);
}

export interface Keyword {
  phrase: string;
  score: number;
}

/** Candidate phrases are runs of content words between stopwords/punctuation; scored RAKE-style x TF-IDF. */
export function extractKeywords(text: string, limit = 8): Keyword[] {
  const sentences = splitSentences(text);
  const docs = sentences.map((s) => contentStems(s));
  const idf = inverseDocumentFrequency(docs.length > 0 ? docs : [[]]);
  const phrases: string[][] = [];
  for (const sentence of sentences) {
    const tokens = sentence.match(/[#@]?[A-Za-z0-9][A-Za-z0-9'.&-]*|[,;:!?()"]/g) ?? [];
    let current: string[] = [];
    for (const token of tokens) {
      const w = token.toLowerCase().replace(/[.']+$/, '');
      if (/^[,;:!?()"]$/.test(token) || STOPWORDS.has(w) || w.length < 2) {
        if (current.length) phrases.push(current);
        current = [];
      } else {
        current.push(token.replace(/[.]+$/, ''));
        if (current.length === 4) {
          phrases.push(current);
          current = [];
        }
      }
    }
    if (current.length) phrases.push(current);
  }
  const freq = new Map<string, number>();
  const degree = new Map<string, number>();
  for (const p of phrases) {
    for (const w of p) {
      const s = stem(w.toLowerCase());
      freq.set(s, (freq.get(s) ?? 0) + 1);
      degree.set(s, (degree.get(s) ?? 0) + p.length);
    }
  }
  const scores = new Map<string, { phrase: string; score: number }>();
  for (const p of phrases) {
    if (p.every((w) => /^\d+$/.test(w))) continue;
    const key = p.map((w) => stem(w.toLowerCase())).join(' ');
    const score =
      p.reduce((sum, w) => {
        const s = stem(w.toLowerCase());
        return (
          sum + ((degree.get(s) ?? 1) / (freq.get(s) ?? 1)) * 0.5 + (idf.get(s) ?? 1) * Math.log(1 + (freq.get(s) ?? 1))
        );
      }, 0) * (/^[#@]/.test(p[0]!) ? 1.3 : 1);
    const existing = scores.get(key);
    if (!existing) scores.set(key, { phrase: p.join(' '), score });
    else existing.score += score * 0.5;
  }
  const ranked = [...scores.values()].sort((a, b) => b.score - a.score || a.phrase.localeCompare(b.phrase));
  const out: Keyword[] = [];
  for (const k of ranked) {
    const lower = k.phrase.toLowerCase();
    if (out.some((o) => o.phrase.toLowerCase().includes(lower) || lower.includes(o.phrase.toLowerCase()))) continue;
    out.push({ phrase: k.phrase, score: Math.round(k.score * 100) / 100 });
    if (out.length >= limit) break;
  }
  return out;
}

export type EntityType = 'email' | 'url' | 'handle' | 'hashtag' | 'money' | 'percent' | 'date' | 'phone' | 'name';

export interface Entity {
  type: EntityType;
  text: string;
  index: number;
}

const MONTHS =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
export const DATE_PATTERN = new RegExp(
  `\\b(?:\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2})?(?:\\.\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?)?|\\d{1,2}/\\d{1,2}/\\d{2,4}|${MONTHS}\\.? \\d{1,2}(?:st|nd|rd|th)?(?:,? \\d{4})?|\\d{1,2}(?:st|nd|rd|th)? ${MONTHS}\\.?(?:,? \\d{4})?)\\b`,
  'gi',
);

const ENTITY_PATTERNS: [EntityType, RegExp][] = [
  ['email', /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g],
  ['url', /\bhttps?:\/\/[^\s<>"')\]]+/g],
  ['handle', /(?<![A-Za-z0-9._%+-])@[A-Za-z0-9_][A-Za-z0-9_.]*[A-Za-z0-9_]/g],
  ['hashtag', /(?<![A-Za-z0-9&])#[A-Za-z][A-Za-z0-9_]*/g],
  [
    'money',
    /(?:[$€£]\s?\d[\d,]*(?:\.\d+)?\s?(?:[kKmM]\b|million|billion|thousand)?|\b\d[\d,]*(?:\.\d+)?\s?(?:USD|EUR|GBP|dollars|euros)\b)/g,
  ],
  ['percent', /\b\d+(?:\.\d+)?\s?%/g],
  ['date', DATE_PATTERN],
  ['phone', /(?<!\w)\+?\d[\d\s().-]{8,}\d(?!\w)/g],
];

/** Entities in order of appearance; capitalised multi-word phrases are reported as names. */
export function extractEntities(text: string): Entity[] {
  const found: Entity[] = [];
  const taken: [number, number][] = [];
  for (const [type, pattern] of ENTITY_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      if (type === 'phone' && (/^\d{4}-\d{2}-\d{2}/.test(m[0]) || (m[0].match(/\d/g) ?? []).length < 9)) continue;
      taken.push([start, end]);
      found.push({ type, text: m[0].trim().replace(/[.,;:]+$/, ''), index: start });
    }
  }
  const namePattern =
    /\b(?:[A-Z][a-z]+(?:['’][a-z]+)?|[A-Z]{2,}[a-z]*)(?:\s+(?:&\s+|of\s+|de\s+|the\s+)?(?:[A-Z][a-z]+|[A-Z]{2,}))+\b|\b[A-Z][a-z]{2,}\b/g;
  for (const m of text.matchAll(namePattern)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (taken.some(([a, b]) => start < b && end > a)) continue;
    const before = text.slice(0, start);
    const sentenceStart = /(^|[.!?:\n]\s*|^\s*[-*•]\s*)$/.test(before);
    const single = !/\s/.test(m[0]);
    if (single && (sentenceStart || STOPWORDS.has(m[0].toLowerCase()))) continue;
    if (single && /^(I|The|A|An|This|That|Our|We|You|Your|It|They|He|She|Please|Thanks|Hi|Hello|Dear)$/.test(m[0]))
      continue;
    const cleaned = m[0].replace(/^(The|A|An|Our|Your|This|That)\s+/, '');
    taken.push([start, end]);
    found.push({ type: 'name', text: cleaned, index: start });
  }
  return found.sort((a, b) => a.index - b.index);
}

const POSITIVE = [
  'love',
  'loved',
  'great',
  'excellent',
  'amazing',
  'happy',
  'good',
  'best',
  'perfect',
  'fantastic',
  'awesome',
  'recommend',
  'thanks',
  'thank',
  'pleased',
  'fast',
  'beautiful',
  'nice',
  'wonderful',
  'glad',
  'excited',
  'impressed',
  'favorite',
  'works',
  'quality',
];
const NEGATIVE = [
  'bad',
  'terrible',
  'awful',
  'hate',
  'hated',
  'broken',
  'late',
  'refund',
  'angry',
  'disappointed',
  'disappointing',
  'worst',
  'poor',
  'slow',
  'damaged',
  'missing',
  'wrong',
  'never',
  'problem',
  'issue',
  'complaint',
  'cancel',
  'unhappy',
  'frustrated',
  'defective',
  'scam',
  'rude',
];

/** Lexicon sentiment in [-1, 1] with simple negation handling ("not good"). */
export function sentimentScore(text: string): number {
  const tokens = words(text);
  let score = 0;
  let hits = 0;
  tokens.forEach((t, i) => {
    const negated = i > 0 && /^(not|no|never|isn't|wasn't|don't|didn't|hardly)$/.test(tokens[i - 1]!);
    const value = POSITIVE.includes(t) ? 1 : NEGATIVE.includes(t) ? -1 : 0;
    if (value !== 0) {
      score += negated ? -value : value;
      hits++;
    }
  });
  return hits === 0 ? 0 : Math.max(-1, Math.min(1, score / Math.sqrt(hits * 2)));
}

export function sentimentLabel(text: string): 'positive' | 'negative' | 'neutral' {
  const s = sentimentScore(text);
  return s > 0.15 ? 'positive' : s < -0.15 ? 'negative' : 'neutral';
}
