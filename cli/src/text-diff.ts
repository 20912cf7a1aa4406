/**
 * A unified diff of two texts, line by line (longest common subsequence; agent files are small), with `context`
 * unchanged lines around each change. Empty when the texts are equal.
 */
export function unifiedDiff({
  before,
  after,
  fromName,
  toName,
  context = 3,
}: {
  before: string;
  after: string;
  fromName: string;
  toName: string;
  context?: number;
}): string {
  if (before === after) return '';
  const a = before.split('\n');
  const b = after.split('\n');
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const lines: { kind: ' ' | '-' | '+'; text: string; aLine: number; bLine: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) lines.push({ kind: ' ', text: a[i]!, aLine: i++, bLine: j++ });
    // Removed lines before added ones, as diff -u shows a replacement.
    else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!))
      lines.push({ kind: '-', text: a[i]!, aLine: i++, bLine: j });
    else lines.push({ kind: '+', text: b[j]!, aLine: i, bLine: j++ });
  }
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  let k = 0;
  while (k < lines.length) {
    if (lines[k]!.kind === ' ') {
      k++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change close to it.
    const start = Math.max(0, k - context);
    let end = k;
    for (let gap = 0; end < lines.length && gap <= context * 2; end++) gap = lines[end]!.kind === ' ' ? gap + 1 : 0;
    end = Math.min(lines.length, end);
    while (end > start && lines[end - 1]!.kind === ' ' && end - 1 > k && trailing(lines, end) > context) end--;
    const hunk = lines.slice(start, end);
    const aCount = hunk.filter((l) => l.kind !== '+').length;
    const bCount = hunk.filter((l) => l.kind !== '-').length;
    out.push(`@@ -${hunk[0]!.aLine + 1},${aCount} +${hunk[0]!.bLine + 1},${bCount} @@`);
    for (const line of hunk) out.push(`${line.kind}${line.text}`);
    k = end;
  }
  return `${out.join('\n')}\n`;
}

/** Unchanged lines at the end of lines[0..end). */
function trailing(lines: { kind: string }[], end: number): number {
  let n = 0;
  while (end - 1 - n >= 0 && lines[end - 1 - n]!.kind === ' ') n++;
  return n;
}
