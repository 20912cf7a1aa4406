import type { AgentDocument } from './agent';
import { hasErrors, sortDiagnostics, type Diagnostic, type DocumentPath, type Range } from './diagnostics';
import { parseAgentText, parseYamlText, PARSE_LIMITS, type ParsedAgentText } from './parse';
import { documentLocator, type SourceLocator } from './source-map';
import type { ValueType } from './expressions/types';
import { checkParsedAgent, dedupe, validateAgent } from './validate';

/**
 * Re-validation while typing. A keystroke changes one line, and a big agent is mostly its `spec.steps`: this
 * validator cuts the text into the document without its steps ("header", step lines blanked so line numbers stay
 * put) and one segment per step, parses each on its own and caches the parses by text. A keystroke then re-parses
 * one small segment; the schema and semantic checks (cheap) run on the whole value as usual. Diagnostics are the
 * same as `validateAgent`'s; anything the cut cannot represent (flow-style steps, tabs, aliases across segments,
 * small documents) goes through `validateAgent` itself.
 */
export interface IncrementalValidation {
  diagnostics: Diagnostic[];
  value: unknown;
  agent?: AgentDocument;
  /** The connection each action step uses (as `validateAgent` resolves them); present with `agent`. */
  resolvedConnections?: Map<string, string>;
  /** The inferred type of each template interpolation (as `validateAgent`'s); present with `agent`. */
  interpolationTypes?: Map<string, ValueType>;
  /**
   * Source ranges in the whole text, from the cached parses: what the compiler needs for a source map without
   * parsing the text again (`compileChecked`).
   */
  locator: SourceLocator;
  /** Which path produced the result: segments (cached parses) or a full parse. */
  mode: 'segments' | 'full';
}

export interface AgentValidator {
  validate(text: string): IncrementalValidation;
}

/** Below this many lines a full validation is cheap enough (about 1 ms per 2.5 KB here). */
export const MIN_LINES_FOR_SEGMENTS = 150;

interface Segment {
  /** 0-based index of the segment's first line in the whole text. */
  firstLine: number;
  text: string;
}

interface Layout {
  header: string;
  steps: Segment[];
}

/** Finds `spec.steps` written as a block sequence and cuts the text into header and step segments. */
export function cutAgentText(text: string): Layout | undefined {
  const lines = text.split('\n');
  const indentOf = (line: string) => line.length - line.trimStart().length;
  const isBlankOrComment = (line: string) => {
    const trimmed = line.trim();
    return trimmed === '' || trimmed.startsWith('#');
  };
  if (lines.some((line) => /^[ ]*\t/.test(line))) return undefined;

  const specLine = lines.findIndex((line) => /^spec:[ ]*(#.*)?\r?$/.test(line));
  if (specLine < 0 || lines.findIndex((line, i) => i > specLine && /^spec:/.test(line)) >= 0) return undefined;
  let childIndent = -1;
  let stepsLine = -1;
  for (let i = specLine + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (isBlankOrComment(line)) continue;
    const indent = indentOf(line);
    if (indent === 0) break;
    if (childIndent < 0) childIndent = indent;
    if (indent === childIndent && /^steps:[ ]*(#.*)?\r?$/.test(line.slice(indent))) {
      if (stepsLine >= 0) return undefined;
      stepsLine = i;
    }
  }
  if (stepsLine < 0) return undefined;

  let itemIndent = -1;
  const steps: Segment[] = [];
  let end = lines.length;
  for (let i = stepsLine + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (isBlankOrComment(line)) continue;
    const indent = indentOf(line);
    const startsItem = /^-([ ]|\r?$)/.test(line.slice(indent));
    if (itemIndent < 0) {
      if (indent < childIndent || !startsItem) return undefined;
      itemIndent = indent;
    }
    if (indent < itemIndent || (indent === itemIndent && !startsItem)) {
      end = i;
      break;
    }
    if (indent === itemIndent && startsItem) steps.push({ firstLine: i, text: '' });
  }
  if (steps.length === 0) return undefined;
  // Blank and comment lines right before the block's end stay with the header (they may precede its next key).
  while (end - 1 > steps[steps.length - 1]!.firstLine && isBlankOrComment(lines[end - 1]!)) end--;
  steps.forEach((segment, index) => {
    const last = index + 1 < steps.length ? steps[index + 1]!.firstLine : end;
    // Keep the newline that ends the segment's last line: block scalars and node ranges depend on it.
    segment.text = lines.slice(segment.firstLine, last).join('\n') + (last < lines.length ? '\n' : '');
  });
  const headerLines = lines.slice();
  for (let i = steps[0]!.firstLine; i < end; i++) headerLines[i] = '';
  return { header: headerLines.join('\n'), steps };
}

function shiftRange(range: Range, lines: number): Range {
  return {
    start: { line: range.start.line + lines, col: range.start.col },
    end: { line: range.end.line + lines, col: range.end.col },
  };
}

function shiftDiagnostic(diagnostic: Diagnostic, lines: number, path: DocumentPath): Diagnostic {
  return { ...diagnostic, path, range: shiftRange(diagnostic.range, lines) };
}

/** Creates a validator that keeps parses of unchanged segments between calls. */
export function createAgentValidator(): AgentValidator {
  let headerCache = new Map<string, ParsedAgentText>();
  let segmentCache = new Map<string, ParsedAgentText>();

  const parseHeader = (text: string) => headerCache.get(text) ?? parseAgentText(text);
  // The step sequence sits two levels inside the document (document -> spec -> steps).
  const parseSegment = (text: string) => segmentCache.get(text) ?? parseYamlText(text, { depthOffset: 2 });

  const full = (text: string): IncrementalValidation => {
    const result = validateAgent(text);
    const validation: IncrementalValidation = {
      diagnostics: result.diagnostics,
      value: result.value,
      locator: documentLocator(result.document, result.lineCounter, typeof text === 'string' ? text : ''),
      mode: 'full',
    };
    if (result.agent) {
      validation.agent = result.agent;
      validation.resolvedConnections = result.resolvedConnections;
      validation.interpolationTypes = result.interpolationTypes;
    }
    return validation;
  };

  return {
    validate(text: string): IncrementalValidation {
      if (typeof text !== 'string' || text.length > PARSE_LIMITS.maxDocumentLength) return full(text);
      let lineCount = 1;
      for (let i = text.indexOf('\n'); i >= 0 && lineCount < MIN_LINES_FOR_SEGMENTS; i = text.indexOf('\n', i + 1))
        lineCount++;
      if (lineCount < MIN_LINES_FOR_SEGMENTS) return full(text);
      const layout = cutAgentText(text);
      if (!layout) return full(text);

      const header = parseHeader(layout.header);
      const segments = layout.steps.map((segment) => ({ segment, parsed: parseSegment(segment.text) }));
      const nextHeaders = new Map([[layout.header, header]]);
      const nextSegments = new Map(segments.map(({ segment, parsed }) => [segment.text, parsed]));
      headerCache = nextHeaders;
      segmentCache = nextSegments;

      if (header.hasBadAlias || segments.some(({ parsed }) => parsed.hasBadAlias)) return full(text);
      const headerValue = header.value as { spec?: Record<string, unknown> } | undefined;
      const stepValues = segments.map(({ parsed }) => parsed.value);
      const shapeFits =
        header.value !== undefined &&
        typeof headerValue?.spec === 'object' &&
        headerValue.spec !== null &&
        headerValue.spec.steps === null &&
        segments.every(({ parsed }) =>
          Array.isArray(parsed.value) ? parsed.value.length === 1 : parsed.value === undefined,
        );

      const parseDiagnostics: Diagnostic[] = [...header.diagnostics];
      segments.forEach(({ segment, parsed }, index) => {
        for (const d of parsed.diagnostics) {
          parseDiagnostics.push(
            shiftDiagnostic(
              d,
              segment.firstLine,
              d.path.length === 0 ? [] : ['spec', 'steps', index, ...d.path.slice(1)],
            ),
          );
        }
      });
      if (!shapeFits || stepValues.some((v) => v === undefined)) {
        if (parseDiagnostics.length === 0) return full(text);
        return {
          diagnostics: sortDiagnostics(parseDiagnostics),
          value: undefined,
          locator: documentLocator(header.document, header.lineCounter, header.text),
          mode: 'segments',
        };
      }

      const value = {
        ...(header.value as Record<string, unknown>),
        spec: { ...headerValue.spec, steps: stepValues.map((v) => (v as unknown[])[0]) },
      };
      const headerLocator = documentLocator(header.document, header.lineCounter, header.text);
      const segmentLocators = segments.map(({ parsed }) =>
        documentLocator(parsed.document, parsed.lineCounter, parsed.text),
      );
      const route = (path: DocumentPath): { locator: SourceLocator; path: DocumentPath; shift: number } => {
        const index = path[2];
        if (path[0] === 'spec' && path[1] === 'steps' && typeof index === 'number' && index < segments.length) {
          return {
            locator: segmentLocators[index]!,
            path: [0, ...path.slice(3)],
            shift: segments[index]!.segment.firstLine,
          };
        }
        return { locator: headerLocator, path, shift: 0 };
      };
      const locator: SourceLocator = {
        rangeOf: (path, prefer) => {
          const target = route(path);
          return shiftRange(target.locator.rangeOf(target.path, prefer), target.shift);
        },
        rangeInString: (path, string, start, end) => {
          const target = route(path);
          const range = target.locator.rangeInString(target.path, string, start, end);
          return range && shiftRange(range, target.shift);
        },
      };
      const checked = checkParsedAgent({ value, locator });
      const diagnostics = sortDiagnostics(dedupe([...parseDiagnostics, ...checked.diagnostics]));
      const validation: IncrementalValidation = { diagnostics, value, locator, mode: 'segments' };
      if (!hasErrors(diagnostics)) {
        validation.agent = value as unknown as AgentDocument;
        validation.resolvedConnections = checked.resolvedConnections;
        validation.interpolationTypes = checked.interpolationTypes;
      }
      return validation;
    },
  };
}
