import { readField, referenceFunctions, sameValue, textOf, type ReferenceClock } from '../catalog/function-reference';
import type { FunctionName } from '../catalog/functions';
import type { Expression, Template } from './ast';

/**
 * The reference evaluator of the expression language: what an expression means, computed directly from its AST.
 * Runs never use it (agents run as n8n workflows, whose expressions the compiler generates); it is the oracle that
 * the compiled expressions are tested against, and what an editor can use to preview a value.
 *
 * Roots (`inputs`, `trigger`, `connections`, `steps`, loop variables) come from `scope`; `steps.<id>.output` reads
 * `scope.steps[id].output`. Member and index access read own fields only and never fail: a missing field, or a field
 * of null, is `undefined`. Operators are JavaScript's, except `==` / `!=`, which compare values (`sameValue`).
 */
export interface EvaluationScope {
  [root: string]: unknown;
}

export class ExpressionEvaluationError extends Error {}

export function evaluateExpression(expression: Expression, scope: EvaluationScope, clock?: ReferenceClock): unknown {
  const functions = referenceFunctions(clock);
  const evaluate = (e: Expression): unknown => {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'identifier':
        if (!Object.hasOwn(scope, e.name)) throw new ExpressionEvaluationError(`Unknown name '${e.name}'.`);
        return scope[e.name];
      case 'member':
        return readField(evaluate(e.object), e.property);
      case 'index':
        return readField(evaluate(e.object), evaluate(e.index));
      case 'call':
        return functions[e.callee as FunctionName](...e.args.map(evaluate));
      case 'unary': {
        const operand = evaluate(e.operand) as never;
        return e.operator === '!' ? !operand : -operand;
      }
      case 'binary':
        return binary(e.operator, e.left, e.right, evaluate);
      case 'conditional':
        return evaluate(e.test) ? evaluate(e.consequent) : evaluate(e.alternate);
      case 'array':
        return e.items.map(evaluate);
    }
  };
  return evaluate(expression);
}

function binary(
  operator: Extract<Expression, { kind: 'binary' }>['operator'],
  leftExpression: Expression,
  rightExpression: Expression,
  evaluate: (e: Expression) => unknown,
): unknown {
  // Short-circuiting operators evaluate the right side only when needed, as JavaScript does.
  if (operator === '&&') return evaluate(leftExpression) && evaluate(rightExpression);
  if (operator === '||') return evaluate(leftExpression) || evaluate(rightExpression);
  if (operator === '??') return evaluate(leftExpression) ?? evaluate(rightExpression);
  // `never` lets the operators apply JavaScript's own coercions, which are the language's.
  const left = evaluate(leftExpression) as never;
  const right = evaluate(rightExpression) as never;
  switch (operator) {
    case '+':
      return (left as number) + (right as number);
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return left / right;
    case '%':
      return left % right;
    case '==':
      return sameValue(left, right);
    case '!=':
      return !sameValue(left, right);
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
  }
}

/**
 * A template's value: a whole-expression template keeps the expression's type; anything else is text, each
 * expression interpolated as `textOf` reads it.
 */
export function evaluateTemplate(template: Template, scope: EvaluationScope, clock?: ReferenceClock): unknown {
  if (template.problems.length) throw new ExpressionEvaluationError(template.problems[0]!.message);
  if (template.isWholeExpression) {
    const part = template.parts.find((p) => p.kind === 'expression');
    if (part?.kind === 'expression' && part.expression) return evaluateExpression(part.expression, scope, clock);
  }
  return template.parts
    .map((part) => (part.kind === 'text' ? part.text : textOf(evaluateExpression(part.expression!, scope, clock))))
    .join('');
}
