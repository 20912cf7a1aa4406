/**
 * Deterministic hashing embeddings: normalised word stems (weight 1), word bigrams (0.5) and character trigrams of
 * each word (0.25) are feature-hashed with a sign bit into `dimensions` buckets, weighted by sublinear term
 * frequency, then L2-normalised. Texts sharing words and word parts land close in cosine similarity; nothing is
 * learned, so synonyms without shared form are not close.
 */
import { STOPWORDS, fnv1a, stem, words } from './text';

export const DEFAULT_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'ionflux-sandbox-embed-1': 256,
};

export function embed(text: string, dimensions: number): number[] {
  const vector = new Float64Array(dimensions);
  const tokens = words(text);
  const features = new Map<string, number>();
  const add = (feature: string, weight: number) => features.set(feature, (features.get(feature) ?? 0) + weight);
  const stems = tokens.map((t) => (STOPWORDS.has(t) ? null : stem(t)));
  stems.forEach((s, i) => {
    if (s) {
      add(`w:${s}`, 1);
      const padded = `<${s}>`;
      for (let k = 0; k + 3 <= padded.length; k++) add(`c:${padded.slice(k, k + 3)}`, 0.25);
    }
    const next = stems[i + 1];
    if (s && next) add(`b:${s}_${next}`, 0.5);
  });
  if (features.size === 0) add(`raw:${text}`, 1);
  for (const [feature, weight] of features) {
    const h = fnv1a(feature);
    const bucket = h % dimensions;
    const sign = fnv1a(feature, 0x9e3779b1) & 1 ? 1 : -1;
    vector[bucket]! += sign * (1 + Math.log(weight > 1 ? weight : 1)) * (weight < 1 ? weight : 1);
  }
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return Array.from(vector, (x) => x / norm);
}

/** Little-endian float32 bytes in base64, the `encoding_format: "base64"` wire form. */
export function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

export function cosineSimilarity(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
