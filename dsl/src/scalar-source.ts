/**
 * Where each character of a string scalar's value comes from in the source, for every scalar style: plain and quoted
 * scalars over several lines (line folding, `''` and `\` escapes, escaped line breaks) and literal and folded block
 * scalars (`|`, `>`, chomping and indentation indicators). Diagnostics about an expression inside a multi-line string
 * use it to point at the expression's own line and column.
 *
 * The value is rebuilt from the source with the YAML 1.2 rules (as the `yaml` package applies them) while recording
 * offsets; the map is used only when the rebuilt value equals the parsed one, so an unforeseen construct falls back to
 * the scalar's own range instead of a wrong position.
 */

/** A value being rebuilt: its text and, per UTF-16 unit, the source offset it stems from. */
class ValueBuilder {
  text = '';
  readonly offsets: number[] = [];

  /** Appends characters that all stem from one place (an escape sequence, a folded line break). */
  add(chars: string, offset: number): void {
    this.text += chars;
    for (let i = 0; i < chars.length; i++) this.offsets.push(offset);
  }

  /** Appends source characters as they are, from `start`. */
  copy(source: string, start: number, end: number, base: number): void {
    this.text += source.slice(start, end);
    for (let i = start; i < end; i++) this.offsets.push(base + i);
  }
}

export type ScalarStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

/**
 * Source offsets of a string scalar's value: `offsets[i]` is where `value[i]` comes from. Undefined when the source
 * at `range` does not rebuild to `value` (then callers fall back to the scalar's range).
 *
 * @example
 * // text = 'a: |\n  x {{ y }}\n', the scalar's range starts at 3
 * scalarSourceOffsets({ text, style: 'BLOCK_LITERAL', start: 3, end: 17, value: 'x {{ y }}\n' })?.[2] // 9
 */
export function scalarSourceOffsets({
  text,
  style,
  start,
  end,
  value,
}: {
  text: string;
  style: ScalarStyle;
  start: number;
  end: number;
  value: string;
}): number[] | undefined {
  const candidates: ValueBuilder[] = [];
  switch (style) {
    case 'PLAIN':
      candidates.push(plainValue(text, start, end));
      break;
    case 'QUOTE_SINGLE':
      candidates.push(singleQuotedValue(text, start, end));
      break;
    case 'QUOTE_DOUBLE':
      candidates.push(doubleQuotedValue(text, start, end));
      break;
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED':
      candidates.push(...blockValues(text, start, end, value));
      break;
  }
  return candidates.find((built) => built.text === value)?.offsets;
}

/** Lines of `source[start..end)` split at line breaks with the white space around them: [text start, text end). */
function foldedLines(text: string, start: number, end: number): { from: number; to: number; breakAt: number }[] {
  const lines: { from: number; to: number; breakAt: number }[] = [];
  const separator = /[ \t]*\r?\n[ \t]*/g;
  separator.lastIndex = start;
  let from = start;
  const slice = text.slice(0, end);
  for (let match = separator.exec(slice); match; match = separator.exec(slice)) {
    lines.push({ from, to: match.index, breakAt: match.index });
    from = match.index + match[0].length;
  }
  lines.push({ from, to: end, breakAt: end });
  return lines;
}

/** YAML line folding of a flow scalar's content: one break is a space, n+1 breaks are n newlines. */
function foldLines(text: string, start: number, end: number, out: ValueBuilder): void {
  const lines = foldedLines(text, start, end);
  out.copy(text, lines[0]!.from, lines[0]!.to, 0);
  let sep = ' ';
  let sepAt = lines[0]!.breakAt;
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i]!;
    if (line.from === line.to) {
      if (sep === '\n') out.add(sep, line.from);
      else {
        sep = '\n';
        sepAt = line.from;
      }
    } else {
      out.add(sep, sepAt);
      out.copy(text, line.from, line.to, 0);
      sep = ' ';
      sepAt = line.breakAt;
    }
  }
  if (lines.length > 1) {
    const last = lines[lines.length - 1]!;
    out.add(sep, sepAt);
    out.copy(text, last.from, last.to, 0);
  }
}

function plainValue(text: string, start: number, end: number): ValueBuilder {
  let from = start;
  let to = end;
  while (from < to && /\s/.test(text[from]!)) from++;
  while (to > from && /\s/.test(text[to - 1]!)) to--;
  const out = new ValueBuilder();
  foldLines(text, from, to, out);
  return out;
}

function singleQuotedValue(text: string, start: number, end: number): ValueBuilder {
  const folded = new ValueBuilder();
  foldLines(text, start + 1, Math.max(start + 1, end - 1), folded);
  const out = new ValueBuilder();
  for (let i = 0; i < folded.text.length; i++) {
    out.add(folded.text[i]!, folded.offsets[i]!);
    if (folded.text[i] === "'" && folded.text[i + 1] === "'") i++;
  }
  return out;
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

function doubleQuotedValue(text: string, start: number, end: number): ValueBuilder {
  const out = new ValueBuilder();
  const last = end - 1; // the closing quote
  for (let i = start + 1; i < last; ++i) {
    const ch = text[i]!;
    if (ch === '\n') {
      // A line break folds into a space, n+1 breaks into n newlines; the white space around them goes.
      const at = i;
      let fold = '';
      let next = text[i + 1];
      while (next === ' ' || next === '\t' || next === '\n') {
        if (next === '\n') fold += '\n';
        next = text[++i + 1];
      }
      out.add(fold || ' ', at);
    } else if (ch === '\\') {
      const at = i;
      let next = text[++i]!;
      const escaped = ESCAPES[next];
      if (escaped) out.add(escaped, at);
      else if (next === '\n') {
        // An escaped line break joins the lines without a space; the next line's indentation still goes.
        next = text[i + 1]!;
        while (next === ' ' || next === '\t') next = text[++i + 1]!;
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const length = { x: 2, u: 4, U: 8 }[next];
        const hex = text.substr(i + 1, length);
        if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) out.add(text.substr(i - 1, length + 2), at);
        else out.add(String.fromCodePoint(parseInt(hex, 16)), at);
        i += length;
      } else {
        out.add(text.substr(i - 1, 2), at);
      }
    } else if (ch === ' ' || ch === '\t') {
      // White space before a line break is dropped.
      const wsStart = i;
      let next = text[i + 1];
      while (next === ' ' || next === '\t') next = text[++i + 1];
      if (next !== '\n') out.copy(text, wsStart, i + 1, 0);
    } else {
      out.copy(text, i, i + 1, 0);
    }
  }
  return out;
}

/**
 * Literal and folded block scalars. With an explicit indentation indicator the content's indentation depends on the
 * parent node's, which the source range does not carry: each possible parent indentation is tried (the caller keeps
 * the one that rebuilds the value).
 */
function blockValues(text: string, start: number, end: number, value: string): ValueBuilder[] {
  const header = /^([|>])([-+1-9]*)[^\n]*\n/.exec(text.slice(start, end));
  if (!header) return [];
  const folded = header[1] === '>';
  const indicator = Number(/[1-9]/.exec(header[2]!)?.[0] ?? 0);
  const chomp = header[2]!.includes('-') ? '-' : header[2]!.includes('+') ? '+' : '';
  const bodyStart = start + header[0].length;
  // Lines as [indent start, content start, line end].
  const lines: { at: number; content: number; end: number }[] = [];
  for (let at = bodyStart; at <= end;) {
    let lineEnd = text.indexOf('\n', at);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    let content = at;
    while (content < lineEnd && text[content] === ' ') content++;
    lines.push({ at, content, end: lineEnd });
    if (lineEnd >= end) break;
    at = lineEnd + 1;
  }
  const tries = indicator ? Array.from({ length: 41 }, (_, parent) => parent + indicator) : [Number.NaN]; // detected from the first content line
  const results: ValueBuilder[] = [];
  for (const trim of tries) {
    const built = blockValue({ text, lines, folded, chomp, explicitIndent: trim });
    if (built) results.push(built);
    if (built?.text === value) break;
  }
  return results;
}

function blockValue({
  text,
  lines,
  folded,
  chomp,
  explicitIndent,
}: {
  text: string;
  lines: { at: number; content: number; end: number }[];
  folded: boolean;
  chomp: '' | '-' | '+';
  explicitIndent: number;
}): ValueBuilder | undefined {
  const isEmpty = (line: { content: number; end: number }) => line.content === line.end;
  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0; --i)
    if (isEmpty(lines[i]!)) chompStart = i;
    else break;
  const out = new ValueBuilder();
  const indentOf = (line: { at: number; content: number }) => line.content - line.at;
  let trimIndent = Number.isNaN(explicitIndent) ? 0 : explicitIndent;
  if (chompStart === 0) {
    if (chomp === '+')
      lines.forEach((line, i) => {
        if (i > 0) out.add('\n', line.at - 1);
        out.copy(text, line.at, line.content, 0);
      });
    return out;
  }
  let contentStart = 0;
  for (let i = 0; i < chompStart; ++i) {
    const line = lines[i]!;
    if (isEmpty(line)) {
      if (Number.isNaN(explicitIndent) && indentOf(line) > trimIndent) trimIndent = indentOf(line);
    } else {
      if (Number.isNaN(explicitIndent)) trimIndent = indentOf(line);
      contentStart = i;
      break;
    }
  }
  for (let i = 0; i < contentStart; ++i) {
    const line = lines[i]!;
    out.copy(text, Math.min(line.at + trimIndent, line.content), line.content, 0);
    out.add('\n', line.end);
  }
  let sep = '';
  let sepAt = 0;
  let prevMoreIndented = false;
  for (let i = contentStart; i < chompStart; ++i) {
    const line = lines[i]!;
    let contentEnd = line.end;
    if (text[contentEnd - 1] === '\r') contentEnd--;
    const indent = indentOf(line);
    if (contentEnd > line.content && indent < trimIndent) return undefined; // less indented: not this parse
    const keptIndentFrom = Math.min(line.at + trimIndent, line.content);
    if (!folded) {
      out.add(sep, sepAt);
      out.copy(text, keptIndentFrom, contentEnd, 0);
      sep = '\n';
    } else if (indent > trimIndent || text[line.content] === '\t') {
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      out.add(sep, sepAt);
      out.copy(text, keptIndentFrom, contentEnd, 0);
      sep = '\n';
      prevMoreIndented = true;
    } else if (contentEnd === line.content) {
      if (sep === '\n') out.add('\n', line.at);
      else sep = '\n';
    } else {
      out.add(sep, sepAt);
      out.copy(text, line.content, contentEnd, 0);
      sep = ' ';
      prevMoreIndented = false;
    }
    sepAt = line.end;
  }
  if (chomp === '+') {
    for (let i = chompStart; i < lines.length; ++i) {
      out.add('\n', lines[i]!.at - 1);
      out.copy(text, Math.min(lines[i]!.at + trimIndent, lines[i]!.content), lines[i]!.content, 0);
    }
    if (!out.text.endsWith('\n')) out.add('\n', lines[lines.length - 1]!.end);
  } else if (chomp === '') {
    out.add('\n', lines[chompStart - 1]!.end);
  }
  return out;
}
