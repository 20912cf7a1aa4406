/**
 * The expression language inside `{{ }}`: paths (`steps.fetch.output.total`), literals, operators and a fixed set
 * of functions. Offsets (`start`, `end`) are relative to the string the template came from, so diagnostics land on
 * the exact characters.
 */

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||' | '??';
export type UnaryOperator = '!' | '-';

interface Spanned {
  start: number;
  end: number;
}

export type Expression =
  | (Spanned & { kind: 'literal'; value: string | number | boolean | null })
  | (Spanned & { kind: 'identifier'; name: string })
  | (Spanned & { kind: 'member'; object: Expression; property: string; propertyStart: number })
  | (Spanned & { kind: 'index'; object: Expression; index: Expression })
  | (Spanned & { kind: 'call'; callee: string; calleeEnd: number; args: Expression[] })
  | (Spanned & { kind: 'unary'; operator: UnaryOperator; operand: Expression })
  | (Spanned & { kind: 'binary'; operator: BinaryOperator; left: Expression; right: Expression })
  | (Spanned & { kind: 'conditional'; test: Expression; consequent: Expression; alternate: Expression })
  | (Spanned & { kind: 'array'; items: Expression[] });

export type TemplatePart =
  | (Spanned & { kind: 'text'; text: string })
  /** `start`/`end` cover the whole `{{ ... }}`; the expression's own offsets are inside it. */
  | (Spanned & { kind: 'expression'; source: string; expression: Expression | undefined });

export interface ExpressionProblem {
  code: 'IFX400' | 'IFX401' | 'IFX402' | 'IFX403' | 'IFX404' | 'IFX405';
  message: string;
  start: number;
  end: number;
  suggestion?: string;
}

export interface Template {
  parts: TemplatePart[];
  /** True when the whole string is one `{{ }}` (surrounding spaces allowed): the value keeps its type. */
  isWholeExpression: boolean;
  problems: ExpressionProblem[];
}

/** A path of plain property accesses from a root identifier, e.g. steps.fetch.output.orders. */
export interface ReferencePath {
  root: string;
  segments: { name: string | number; start: number; end: number }[];
  start: number;
  end: number;
}

/** The reference path an expression denotes, when it is one (`a.b[0].c`); undefined for anything else. */
export function asReferencePath(expression: Expression): ReferencePath | undefined {
  const segments: ReferencePath['segments'] = [];
  let current = expression;
  while (current.kind === 'member' || current.kind === 'index') {
    if (current.kind === 'member') {
      segments.unshift({ name: current.property, start: current.propertyStart, end: current.end });
    } else if (
      current.index.kind === 'literal' &&
      (typeof current.index.value === 'number' || typeof current.index.value === 'string')
    ) {
      segments.unshift({ name: current.index.value, start: current.index.start, end: current.index.end });
    } else {
      return undefined;
    }
    current = current.object;
  }
  if (current.kind !== 'identifier') return undefined;
  return { root: current.name, segments, start: current.start, end: expression.end };
}
