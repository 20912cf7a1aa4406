import { Composer, LineCounter, Parser, visit, type CST, type Document, type YAMLError } from 'yaml';
import { createDiagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics';
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

const yamlErrorCodes: Record<string, DiagnosticCode> = {
  DUPLICATE_KEY: 'IFX101',
  MULTIPLE_DOCS: 'IFX105',
  TAG_RESOLVE_FAILED: 'IFX107',
  BAD_ALIAS: 'IFX100',
};

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
  const refused = (code: DiagnosticCode, message: string): ParsedAgentText => {
    // Report at the start of the document: positions inside refused text are not worth computing.
    const range = { start: { line: 1, col: 1 }, end: { line: 1, col: 2 } };
    return { text, lineCounter, value: undefined, diagnostics: [createDiagnostic({ code, message, path: [], range })] };
  };
  if (typeof text !== 'string') return refused('IFX100', 'The agent must be text.');
  if (text.length > PARSE_LIMITS.maxDocumentLength) {
    return refused(
      'IFX103',
      `The document is ${text.length} characters long; agents are limited to ${PARSE_LIMITS.maxDocumentLength} (1 MiB).`,
    );
  }

  try {
    const tokens: CST.Token[] = [];
    for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
      tokens.push(token);
      if (cstDepth(token) + depthOffset > PARSE_LIMITS.maxDepth) {
        return refused('IFX104', `The document nests collections more than ${PARSE_LIMITS.maxDepth} levels deep.`);
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
    if (!document) return refused('IFX106', 'The document is empty.');
    for (const error of [...document.errors, ...document.warnings]) {
      if (error.code === 'TAG_RESOLVE_FAILED') continue; // reported below with every other explicit tag
      if (error.code === 'BAD_ALIAS') hasBadAlias = true;
      diagnostics.push(yamlErrorToDiagnostic(error, text, lineCounter));
    }
    if (text.includes('!')) diagnostics.push(...explicitTagDiagnostics(document, lineCounter));
    if (extraDocumentOffset !== undefined) {
      diagnostics.push(
        createDiagnostic({
          code: 'IFX105',
          message: 'The file holds more than one YAML document; an agent file holds exactly one.',
          path: [],
          range: rangeFromOffsets(lineCounter, extraDocumentOffset, extraDocumentOffset + 3),
        }),
      );
    }
    if (document.contents === null) {
      if (document.errors.length === 0) {
        diagnostics.push(
          createDiagnostic({
            code: 'IFX106',
            message: 'The document is empty.',
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
      const message = (error as Error).message;
      const bomb = /excessive alias count/i.test(message);
      const unresolved = /unresolved alias/i.test(message);
      if (unresolved) hasBadAlias = true;
      diagnostics.push(
        createDiagnostic({
          code: bomb ? 'IFX102' : 'IFX100',
          message: bomb
            ? `Aliases expand to too much content (limit ${PARSE_LIMITS.maxAliasCount} expansions): possible alias bomb.`
            : unresolved
              ? `${message.replace(/\.$/, '')}: define the anchor before using it.`
              : `The document could not be read: ${message}`,
          path: [],
          range: rangeFromOffsets(lineCounter, document.range[0], document.range[0] + 1),
        }),
      );
      value = undefined;
    }
    return { text, document, lineCounter, value, diagnostics, hasBadAlias };
  } catch (error) {
    // The yaml package promises not to throw; this is the last line of defence (e.g. a stack overflow).
    const tooDeep = error instanceof RangeError;
    return refused(
      tooDeep ? 'IFX104' : 'IFX100',
      tooDeep
        ? 'The document is nested too deeply to read.'
        : `The document could not be read: ${(error as Error).message}`,
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
        createDiagnostic({
          code: 'IFX107',
          message: `Unsupported YAML tag '${shown}': agent YAML uses plain values, lists and mappings.`,
          path: [],
          range: rangeFromOffsets(lineCounter, node.range[0], Math.max(node.range[1], node.range[0] + 1)),
        }),
      );
    },
  });
  return diagnostics;
}

function yamlErrorToDiagnostic(error: YAMLError, text: string, lineCounter: LineCounter): Diagnostic {
  const code = yamlErrorCodes[error.code] ?? 'IFX100';
  const start = error.pos[0];
  let end = error.pos[1];
  // yaml marks a duplicate key with one character; underline the whole key.
  if (code === 'IFX101') end = start + (/^[^:\n]*/.exec(text.slice(start))?.[0].trimEnd().length ?? 1);
  let message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'IFX101')
    message = message.replace('Map keys must be unique', 'Duplicate key: mapping keys must be unique');
  if (error.code === 'NON_STRING_KEY') message = 'Mapping keys must be plain text, not lists or mappings.';
  return createDiagnostic({
    code,
    message,
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
