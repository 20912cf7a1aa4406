import { Composer, LineCounter, Parser, visit, type CST, type Document, type YAMLError } from 'yaml';
import { reportedDiagnostic, type Diagnostic, type DiagnosticMessage } from './diagnostics';
import { rangeFromOffsets } from './source-map';

/** Limits that keep hostile input cheap: the editor re-validates on every keystroke and servers accept uploads. */
export const PARSE_LIMITS = {
  /** Bytes (UTF-16 code units, as JavaScript counts them) in one agent document. */
  maxDocumentLength: 1024 * 1024,
  /** Nested collections (mappings, sequences) one inside the other. */
  maxDepth: 64,
  /** Alias expansions when building the value; yaml counts repeated expansions, which stops alias bombs. */
  maxAliasCount: 100,
} as const;

export interface ParsedAgentText {
  text: string;
  /** The YAML document, with source ranges on every node; undefined when the text was refused before parsing. */
  document?: Document.Parsed;
  lineCounter: LineCounter;
  /** The plain value of the document (undefined when it could not be built). */
  value: unknown;
  diagnostics: Diagnostic[];
  /** An alias pointed at an anchor the text does not define. */
  hasBadAlias?: boolean;
}

/**
 * Parses agent YAML keeping source ranges. Never throws, whatever the input: every problem becomes a diagnostic.
 * Uses the yaml package's own Parser (CST, iterative) and Composer, measuring nesting depth on the CST first so that
 * the recursive composer never sees input deep enough to overflow the stack.
 */
export function parseAgentText(text: string): ParsedAgentText {
  return parseYamlText(text, { depthOffset: 0 });
}

/**
 * The parser behind `parseAgentText`. `depthOffset` is the nesting depth at which `text` sits inside a larger
 * document (the incremental validator parses each step of `spec.steps` on its own, two levels down).
 */
export function parseYamlText(text: string, { depthOffset }: { depthOffset: number }): ParsedAgentText {
  const lineCounter = new LineCounter();
  const refused = (message: DiagnosticMessage): ParsedAgentText => {
    // Report at the start of the document: positions inside refused text are not worth computing.
    const range = { start: { line: 1, col: 1 }, end: { line: 1, col: 2 } };
    return { text, lineCounter, value: undefined, diagnostics: [reportedDiagnostic({ ...message, path: [], range })] };
  };
  if (typeof text !== 'string') return refused({ code: 'IFX100', messageId: 'notText' });
  if (text.length > PARSE_LIMITS.maxDocumentLength) {
    return refused({
      code: 'IFX103',
      messageId: 'tooLarge',
      data: { length: text.length, limit: PARSE_LIMITS.maxDocumentLength },
    });
  }

  try {
    const tokens: CST.Token[] = [];
    for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
      tokens.push(token);
      if (cstDepth(token) + depthOffset > PARSE_LIMITS.maxDepth) {
        return refused({ code: 'IFX104', messageId: 'tooDeep', data: { limit: PARSE_LIMITS.maxDepth } });
      }
    }
    const composer = new Composer({ prettyErrors: false, keepSourceTokens: false, stringKeys: true });
    let document: Document.Parsed | undefined;
    let extraDocumentOffset: number | undefined;
    // Alias errors tell the incremental validator that a segment refers to an anchor defined elsewhere.
    let hasBadAlias = false;
    for (const doc of composer.compose(tokens, true, text.length)) {
      if (!document) document = doc;
      else if (extraDocumentOffset === undefined) extraDocumentOffset = doc.range[0];
    }
    const diagnostics: Diagnostic[] = [];
    if (!document) return refused({ code: 'IFX106', messageId: 'empty' });
    for (const error of [...document.errors, ...document.warnings]) {
      if (error.code === 'TAG_RESOLVE_FAILED') continue; // reported below with every other explicit tag
      if (error.code === 'BAD_ALIAS') hasBadAlias = true;
      diagnostics.push(yamlErrorToDiagnostic(error, text, lineCounter));
    }
    if (text.includes('!')) diagnostics.push(...explicitTagDiagnostics(document, lineCounter));
    if (extraDocumentOffset !== undefined) {
      diagnostics.push(
        reportedDiagnostic({
          code: 'IFX105',
          messageId: 'multipleDocuments',
          path: [],
          range: rangeFromOffsets(lineCounter, extraDocumentOffset, extraDocumentOffset + 3),
        }),
      );
    }
    if (document.contents === null) {
      if (document.errors.length === 0) {
        diagnostics.push(
          reportedDiagnostic({
            code: 'IFX106',
            messageId: 'empty',
            path: [],
            range: rangeFromOffsets(lineCounter, 0, 1),
          }),
        );
      }
      return { text, document, lineCounter, value: undefined, diagnostics };
    }
    // Only duplicate keys leave a value worth checking further; anything else would cascade into noise.
    if (diagnostics.some((d) => d.code !== 'IFX101'))
      return { text, document, lineCounter, value: undefined, diagnostics, hasBadAlias };
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: PARSE_LIMITS.maxAliasCount });
    } catch (error) {
      const problem = (error as Error).message;
      const unresolved = /unresolved alias/i.test(problem);
      if (unresolved) hasBadAlias = true;
      const message: DiagnosticMessage = /excessive alias count/i.test(problem)
        ? { code: 'IFX102', messageId: 'aliasBomb', data: { limit: PARSE_LIMITS.maxAliasCount } }
        : unresolved
          ? { code: 'IFX100', messageId: 'unresolvedAlias', data: { problem: problem.replace(/\.$/, '') } }
          : { code: 'IFX100', messageId: 'unreadable', data: { problem } };
      diagnostics.push(
        reportedDiagnostic({
          ...message,
          path: [],
          range: rangeFromOffsets(lineCounter, document.range[0], document.range[0] + 1),
        }),
      );
      value = undefined;
    }
    return { text, document, lineCounter, value, diagnostics, hasBadAlias };
  } catch (error) {
    // The yaml package promises not to throw; this is the last line of defence (e.g. a stack overflow).
    return refused(
      error instanceof RangeError
        ? { code: 'IFX104', messageId: 'stackOverflow' }
        : { code: 'IFX100', messageId: 'unreadable', data: { problem: (error as Error).message } },
    );
  }
}

/** The core schema's own tags only restate a type; anything else (`!!binary`, `!!js/function`, `!custom`) is refused. */
const HARMLESS_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'seq', 'map'].map((t) => `tag:yaml.org,2002:${t}`),
);

function explicitTagDiagnostics(document: Document.Parsed, lineCounter: LineCounter): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  visit(document, {
    Node(_key, node) {
      if (!node.tag || HARMLESS_TAGS.has(node.tag) || !node.range) return;
      const shown = node.tag.replace('tag:yaml.org,2002:', '!!');
      diagnostics.push(
        reportedDiagnostic({
          code: 'IFX107',
          messageId: 'unsupportedTag',
          data: { tag: shown },
          path: [],
          range: rangeFromOffsets(lineCounter, node.range[0], Math.max(node.range[1], node.range[0] + 1)),
        }),
      );
    },
  });
  return diagnostics;
}

/** yaml's errors and warnings as diagnostics; yaml's own wording is kept where no catalog message says more. */
function yamlErrorToDiagnostic(error: YAMLError, text: string, lineCounter: LineCounter): Diagnostic {
  const start = error.pos[0];
  let end = error.pos[1];
  let message: DiagnosticMessage;
  if (error.code === 'DUPLICATE_KEY') {
    // yaml marks a duplicate key with one character; underline the whole key.
    const key = /^[^:\n]*/.exec(text.slice(start))?.[0].trimEnd() ?? '';
    end = start + Math.max(key.length, 1);
    message = { code: 'IFX101', messageId: 'duplicateKey', data: { key } };
  } else if (error.code === 'NON_STRING_KEY') {
    message = { code: 'IFX100', messageId: 'nonStringKey' };
  } else {
    const problem = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    message = { code: 'IFX100', messageId: 'yamlSyntax', data: { problem } };
  }
  return reportedDiagnostic({
    ...message,
    path: [],
    range: rangeFromOffsets(lineCounter, start, Math.max(end, start + 1)),
    severity: 'error',
  });
}

/** Deepest nesting of collections in a CST token, measured without recursion. */
export function cstDepth(root: CST.Token): number {
  let max = 0;
  const stack: [CST.Token | undefined, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (depth > max) max = depth;
    if (max > PARSE_LIMITS.maxDepth) return max;
    switch (token.type) {
      case 'document':
        stack.push([token.value, depth]);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection':
        for (const item of token.items) {
          const pair = item as { key?: CST.Token | null; value?: CST.Token };
          if (pair.key) stack.push([pair.key, depth + 1]);
          if (pair.value) stack.push([pair.value, depth + 1]);
        }
        break;
      default:
        break;
    }
  }
  return max;
}
