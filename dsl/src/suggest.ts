/**
 * "Did you mean" suggestions: the closest candidate by optimal-string-alignment distance (Levenshtein plus
 * transpositions), accepted only when it is close enough to be a plausible typo of what was written.
 */
export function closestMatch(written: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.min(3, Math.floor(written.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  const lowerWritten = written.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === written) continue;
    const lowerCandidate = candidate.toLowerCase();
    let distance = lowerCandidate === lowerWritten ? 0.5 : editDistance(lowerWritten, lowerCandidate, limit);
    // `uppercase` for `upper`, `order` for `orders`: one name containing the other is a plausible slip too.
    if (
      distance > limit &&
      Math.min(lowerCandidate.length, lowerWritten.length) >= 4 &&
      (lowerWritten.startsWith(lowerCandidate) || lowerCandidate.startsWith(lowerWritten))
    ) {
      distance = limit;
    }
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** Optimal string alignment distance, giving up (returning limit + 1) once it cannot stay within `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  let twoBack = new Array<number>(cols).fill(0);
  let previous = Array.from({ length: cols }, (_, j) => j);
  let current = new Array<number>(cols).fill(0);
  for (let i = 1; i < rows; i++) {
    current[0] = i;
    let rowMin = current[0];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, twoBack[j - 2]! + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return previous[cols - 1]!;
}

/** "did you mean 'x'?" or an empty string, ready to append to a message. */
export function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
}
