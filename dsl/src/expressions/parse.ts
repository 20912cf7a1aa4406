import { functionCatalog, isFunctionName } from '../catalog/functions';
import { formatMessage, type DiagnosticMessage } from '../diagnostics';
import { closestMatch, didYouMean } from '../suggest';
import type { BinaryOperator, Expression, ExpressionProblem, Template, TemplatePart } from './ast';

/** Expressions longer than this are refused (they are meant to be one-liners; long logic belongs in steps). */
export const MAX_EXPRESSION_LENGTH = 4000;
/** Nesting of parentheses, brackets and calls inside one expression. */
const MAX_EXPRESSION_DEPTH = 32;

type TokenKind = 'number' | 'string' | 'identifier' | 'punct' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  value?: string | number;
  start: number;
  end: number;
}

/** A catalog message of the expression family (IFX4xx). */
type ExpressionMessage = Extract<DiagnosticMessage, { code: ExpressionProblem['code'] }>;

/** The problem a catalog message describes on characters `start..end`. */
function expressionProblem(
  message: ExpressionMessage,
  { start, end, suggestion }: { start: number; end: number; suggestion?: string | undefined },
): ExpressionProblem {
  const problem: ExpressionProblem = { code: message.code, message: formatMessage(message), start, end };
  if (suggestion !== undefined) problem.suggestion = suggestion;
  return problem;
}

class ExpressionError extends Error {
  constructor(readonly problem: ExpressionProblem) {
    super(problem.message);
  }
}

const PUNCTUATION = [
  '===',
  '!==',
  '??',
  '||',
  '&&',
  '==',
  '!=',
  '<=',
  '>=',
  '=>',
  '(',
  ')',
  '[',
  ']',
  '.',
  ',',
  '?',
  ':',
  '!',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '{',
  '}',
  '`',
  '&',
  '|',
];

function tokenize(source: string, offset: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (message: ExpressionMessage, start: number, end: number): never => {
    throw new ExpressionError(expressionProblem(message, { start: offset + start, end: offset + end }));
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (
      (ch >= '0' && ch <= '9') ||
      (ch === '.' && source[i + 1] !== undefined && source[i + 1]! >= '0' && source[i + 1]! <= '9')
    ) {
      const match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i))!;
      i += match[0].length;
      if (/[A-Za-z_$]/.test(source[i] ?? ''))
        fail(
          { code: 'IFX400', messageId: 'afterNumber', data: { character: source[i]!, number: match[0] } },
          start,
          i + 1,
        );
      tokens.push({ kind: 'number', text: match[0], value: Number(match[0]), start: offset + start, end: offset + i });
      continue;
    }
    if (ch === '"' || ch === "'") {
      let value = '';
      i++;
      let closed = false;
      while (i < source.length) {
        const c = source[i]!;
        if (c === '\\') {
          const next = source[i + 1];
          if (next === undefined) break;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
          i += 2;
          continue;
        }
        if (c === ch) {
          closed = true;
          i++;
          break;
        }
        value += c;
        i++;
      }
      if (!closed) fail({ code: 'IFX400', messageId: 'unterminatedText' }, start, source.length);
      tokens.push({ kind: 'string', text: source.slice(start, i), value, start: offset + start, end: offset + i });
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      const match = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i))!;
      i += match[0].length;
      tokens.push({ kind: 'identifier', text: match[0], start: offset + start, end: offset + i });
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (!punct) fail({ code: 'IFX400', messageId: 'unexpectedCharacter', data: { character: ch } }, start, start + 1);
    i += punct!.length;
    if (punct === '=') fail({ code: 'IFX405', messageId: 'assignment' }, start, i);
    if (punct === '=>') fail({ code: 'IFX405', messageId: 'arrowFunction' }, start, i);
    if (punct === '`') fail({ code: 'IFX405', messageId: 'templateLiteral' }, start, i);
    if (punct === '{' || punct === '}') fail({ code: 'IFX405', messageId: 'objectLiteral' }, start, i);
    if (punct === '&' || punct === '|')
      fail({ code: 'IFX405', messageId: 'bitwise', data: { operator: punct } }, start, i);
    tokens.push({ kind: 'punct', text: punct!, start: offset + start, end: offset + i });
  }
  tokens.push({ kind: 'end', text: '', start: offset + source.length, end: offset + source.length });
  return tokens;
}

const BINARY_PRECEDENCE: Record<string, number> = {
  '??': 1,
  '||': 2,
  '&&': 3,
  '==': 4,
  '!=': 4,
  '===': 4,
  '!==': 4,
  '<': 5,
  '<=': 5,
  '>': 5,
  '>=': 5,
  '+': 6,
  '-': 6,
  '*': 7,
  '/': 7,
  '%': 7,
};

const METHOD_HINTS: Record<string, string> = {
  toUpperCase: 'upper',
  toLowerCase: 'lower',
  trim: 'trim',
  join: 'join',
  split: 'split',
  slice: 'slice',
  includes: 'contains',
  toString: 'string',
  toFixed: 'round',
  keys: 'keys',
};

class ExpressionParser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Expression {
    const expression = this.parseExpression(0);
    const next = this.peek();
    if (next.kind !== 'end') this.fail({ code: 'IFX400', messageId: 'afterEnd', data: { token: next.text } }, next);
    return expression;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private advance(): Token {
    return this.tokens[this.index++]!;
  }

  private fail(message: ExpressionMessage, token: { start: number; end: number }, suggestion?: string): never {
    const end = Math.max(token.end, token.start + 1);
    throw new ExpressionError(expressionProblem(message, { start: token.start, end, suggestion }));
  }

  private expect(text: string, what: string): Token {
    const token = this.peek();
    if (token.kind !== 'punct' || token.text !== text) {
      this.fail(
        token.kind === 'end'
          ? { code: 'IFX400', messageId: 'expectedBeforeEnd', data: { expected: what } }
          : { code: 'IFX400', messageId: 'expectedFound', data: { expected: what, token: token.text } },
        token,
      );
    }
    return this.advance();
  }

  private parseExpression(minPrecedence: number): Expression {
    if (++this.depth > MAX_EXPRESSION_DEPTH)
      this.fail({ code: 'IFX400', messageId: 'tooDeep', data: { limit: MAX_EXPRESSION_DEPTH } }, this.peek());
    let left = this.parseUnary();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'punct') break;
      if (token.text === '?' && minPrecedence === 0) {
        this.advance();
        const consequent = this.parseExpression(0);
        this.expect(':', "':' of the conditional");
        const alternate = this.parseExpression(0);
        left = { kind: 'conditional', test: left, consequent, alternate, start: left.start, end: alternate.end };
        continue;
      }
      const precedence = BINARY_PRECEDENCE[token.text];
      if (precedence === undefined || precedence <= minPrecedence) break;
      this.advance();
      const right = this.parseExpression(precedence);
      const operator = (token.text === '===' ? '==' : token.text === '!==' ? '!=' : token.text) as BinaryOperator;
      left = { kind: 'binary', operator, left, right, start: left.start, end: right.end };
    }
    this.depth--;
    return left;
  }

  private parseUnary(): Expression {
    const token = this.peek();
    if (token.kind === 'punct' && (token.text === '!' || token.text === '-')) {
      this.advance();
      if (++this.depth > MAX_EXPRESSION_DEPTH)
        this.fail({ code: 'IFX400', messageId: 'tooDeep', data: { limit: MAX_EXPRESSION_DEPTH } }, token);
      const operand = this.parseUnary();
      this.depth--;
      return { kind: 'unary', operator: token.text, operand, start: token.start, end: operand.end };
    }
    if (token.kind === 'punct' && token.text === '+') {
      this.fail({ code: 'IFX405', messageId: 'unaryPlus' }, token);
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePrimary(): Expression {
    const token = this.advance();
    switch (token.kind) {
      case 'number':
        return { kind: 'literal', value: token.value as number, start: token.start, end: token.end };
      case 'string':
        return { kind: 'literal', value: token.value as string, start: token.start, end: token.end };
      case 'identifier': {
        if (token.text === 'true' || token.text === 'false') {
          return { kind: 'literal', value: token.text === 'true', start: token.start, end: token.end };
        }
        if (token.text === 'null' || token.text === 'undefined') {
          return { kind: 'literal', value: null, start: token.start, end: token.end };
        }
        if (['new', 'function', 'this', 'typeof', 'instanceof', 'delete', 'void', 'in'].includes(token.text)) {
          this.fail({ code: 'IFX405', messageId: 'keyword', data: { keyword: token.text } }, token);
        }
        const next = this.peek();
        if (next.kind === 'punct' && next.text === '(') return this.parseCall(token);
        return { kind: 'identifier', name: token.text, start: token.start, end: token.end };
      }
      case 'punct':
        if (token.text === '(') {
          const inner = this.parseExpression(0);
          const close = this.expect(')', "')'");
          return { ...inner, start: token.start, end: close.end };
        }
        if (token.text === '[') {
          const items: Expression[] = [];
          if (!(this.peek().kind === 'punct' && this.peek().text === ']')) {
            for (;;) {
              items.push(this.parseExpression(0));
              if (this.peek().kind === 'punct' && this.peek().text === ',') {
                this.advance();
                continue;
              }
              break;
            }
          }
          const close = this.expect(']', "']' to close the list");
          return { kind: 'array', items, start: token.start, end: close.end };
        }
        return this.fail({ code: 'IFX400', messageId: 'unexpectedToken', data: { token: token.text } }, token);
      case 'end':
        return this.fail({ code: 'IFX400', messageId: 'endsEarly' }, token);
    }
  }

  private parseCall(name: Token): Expression {
    this.advance(); // (
    const args: Expression[] = [];
    if (!(this.peek().kind === 'punct' && this.peek().text === ')')) {
      for (;;) {
        args.push(this.parseExpression(0));
        if (this.peek().kind === 'punct' && this.peek().text === ',') {
          this.advance();
          continue;
        }
        break;
      }
    }
    const close = this.expect(')', "')' to close the call");
    if (!isFunctionName(name.text)) {
      const suggestion = closestMatch(name.text, Object.keys(functionCatalog));
      const data = { name: name.text, didYouMean: didYouMean(suggestion) };
      this.fail({ code: 'IFX402', messageId: 'unknownFunction', data }, name, suggestion);
    }
    const definition = functionCatalog[name.text as keyof typeof functionCatalog];
    if (args.length < definition.minArgs || args.length > definition.maxArgs) {
      const count =
        definition.minArgs === definition.maxArgs
          ? `${definition.minArgs}`
          : `${definition.minArgs} to ${definition.maxArgs}`;
      const expected = `${count} argument${definition.maxArgs === 1 ? '' : 's'}`;
      const data = { signature: definition.signature, expected, count: args.length };
      this.fail({ code: 'IFX403', messageId: 'argumentCount', data }, { start: name.start, end: close.end });
    }
    return { kind: 'call', callee: name.text, calleeEnd: name.end, args, start: name.start, end: close.end };
  }

  private parsePostfix(base: Expression): Expression {
    let expression = base;
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'punct') return expression;
      if (token.text === '.') {
        this.advance();
        const property = this.advance();
        if (property.kind !== 'identifier') {
          this.fail(
            property.kind === 'end'
              ? { code: 'IFX400', messageId: 'missingFieldName' }
              : { code: 'IFX400', messageId: 'expectedFieldName', data: { token: property.text } },
            property,
          );
        }
        const after = this.peek();
        if (after.kind === 'punct' && after.text === '(') {
          const hint = METHOD_HINTS[property.text];
          this.fail(
            hint === undefined
              ? { code: 'IFX405', messageId: 'unknownMethod', data: { method: property.text } }
              : { code: 'IFX405', messageId: 'method', data: { function: hint, method: property.text } },
            property,
            hint,
          );
        }
        expression = {
          kind: 'member',
          object: expression,
          property: property.text,
          propertyStart: property.start,
          start: expression.start,
          end: property.end,
        };
        continue;
      }
      if (token.text === '[') {
        this.advance();
        const index = this.parseExpression(0);
        const close = this.expect(']', "']'");
        expression = { kind: 'index', object: expression, index, start: expression.start, end: close.end };
        continue;
      }
      if (token.text === '(') {
        this.fail({ code: 'IFX405', messageId: 'call' }, token);
      }
      return expression;
    }
  }
}

/** Parses one expression (the text between `{{` and `}}`); `offset` is where it starts in the enclosing string. */
export function parseExpression(source: string, offset = 0): { expression?: Expression; problem?: ExpressionProblem } {
  if (source.trim() === '') {
    const end = offset + Math.max(source.length, 1);
    return { problem: expressionProblem({ code: 'IFX404', messageId: 'empty' }, { start: offset, end }) };
  }
  if (source.length > MAX_EXPRESSION_LENGTH) {
    const message: ExpressionMessage = { code: 'IFX400', messageId: 'tooLong', data: { limit: MAX_EXPRESSION_LENGTH } };
    return { problem: expressionProblem(message, { start: offset, end: offset + source.length }) };
  }
  try {
    return { expression: new ExpressionParser(tokenize(source, offset)).parse() };
  } catch (error) {
    if (error instanceof ExpressionError) return { problem: error.problem };
    // Only nesting recurses, and nesting is capped below the stack's depth: a stack overflow is that cap, missed.
    if (error instanceof RangeError) {
      const message: ExpressionMessage = {
        code: 'IFX400',
        messageId: 'tooDeep',
        data: { limit: MAX_EXPRESSION_DEPTH },
      };
      return { problem: expressionProblem(message, { start: offset, end: offset + source.length }) };
    }
    throw error;
  }
}

/** Finds the `}}` that closes an expression opened at `from`, skipping quoted text. */
function findClose(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}

/** True when the string contains an expression opener; strings without one are plain literals. */
export function hasExpression(text: string): boolean {
  return text.includes('{{');
}

/** Splits a string into literal text and `{{ expression }}` parts, collecting every problem. */
export function parseTemplate(text: string): Template {
  const parts: TemplatePart[] = [];
  const problems: ExpressionProblem[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const open = text.indexOf('{{', cursor);
    if (open === -1) {
      parts.push({ kind: 'text', text: text.slice(cursor), start: cursor, end: text.length });
      break;
    }
    if (open > cursor) parts.push({ kind: 'text', text: text.slice(cursor, open), start: cursor, end: open });
    const close = findClose(text, open + 2);
    if (close === -1) {
      problems.push(expressionProblem({ code: 'IFX401', messageId: 'unclosed' }, { start: open, end: text.length }));
      parts.push({ kind: 'text', text: text.slice(open), start: open, end: text.length });
      break;
    }
    const source = text.slice(open + 2, close);
    const { expression, problem } = parseExpression(source, open + 2);
    if (problem) problems.push(problem);
    parts.push({ kind: 'expression', source, expression, start: open, end: close + 2 });
    cursor = close + 2;
  }
  const expressions = parts.filter((p) => p.kind === 'expression');
  const isWholeExpression =
    expressions.length === 1 && parts.every((p) => p.kind === 'expression' || p.text.trim() === '');
  return { parts, isWholeExpression, problems };
}

const templateCache = new Map<string, Template>();

/**
 * `parseTemplate` with a cache: templates repeat across keystrokes and between the checker and the compiler, so
 * re-validating and compiling big agents stays cheap. The result is shared: treat it as read-only.
 *
 * @example parseTemplateCached('Hi {{ inputs.name }}').isWholeExpression // false
 */
export function parseTemplateCached(value: string): Template {
  let template = templateCache.get(value);
  if (!template) {
    template = parseTemplate(value);
    if (templateCache.size > 5000) templateCache.clear();
    templateCache.set(value, template);
  }
  return template;
}
