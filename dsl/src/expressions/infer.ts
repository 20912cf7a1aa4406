import type { DiagnosticMessage, Severity } from '../diagnostics';
import { closestMatch, didYouMean } from '../suggest';
import { asReferencePath, type Expression, type ReferencePath } from './ast';
import { RESERVED_FIELD_NAMES } from './reserved-names';
import {
  arrayOf,
  BOOLEAN,
  describeType,
  isDefinitely,
  mayBe,
  nonNull,
  NUMBER,
  STRING,
  typeOfValue,
  union,
  UNKNOWN,
  type ValueType,
} from './types';

/**
 * Type inference of expressions: the type of each (sub)expression, from the types of the names it starts from,
 * and the type errors found on the way (IFX311, IFX317, IFX502, IFX507). What the names mean (inputs, steps,
 * connections, loop variables) is the checker's business: it passes an `InferenceEnvironment`.
 */

export interface Span {
  start: number;
  end: number;
}

/** A catalog message about characters `span` of the expression's text. */
export type InferenceProblem = DiagnosticMessage & { span: Span; suggestion?: string | undefined; severity?: Severity };

export type ReportProblem = (problem: InferenceProblem) => void;

export interface InferenceEnvironment {
  /** Variables in scope (loop variables, `loop`, `error`): they shadow the roots. */
  variables: ReadonlyMap<string, ValueType>;
  /** The type of a name an expression starts from (a variable or a root such as `inputs`); reports unknown names. */
  rootType(name: string, span: Span): ValueType;
  /** The type of a `steps.<id>.output...` reference (the checker knows which steps have run). */
  stepReference(reference: ReferencePath): ValueType;
  /** `inputs.<name>` / `connections.<name>`: the declared entry's type (`objectType` is the root's type). */
  declaredMember(root: 'inputs' | 'connections', name: string, objectType: ValueType, span: Span): ValueType;
  /** Marks inputs as used: one by name, or all of them when an expression reads `inputs` as a whole. */
  useInputs(name?: string): void;
  report: ReportProblem;
}

/** Infers the type of `expression`, reporting type errors through `environment.report`. */
export function inferType(expression: Expression, environment: InferenceEnvironment): ValueType {
  const infer = (inner: Expression) => inferType(inner, environment);
  const { variables, report } = environment;
  switch (expression.kind) {
    case 'literal':
      return typeOfValue(expression.value);
    case 'array':
      return arrayOf(union(expression.items.map(infer)));
    case 'identifier':
      return environment.rootType(expression.name, expression);
    case 'member':
    case 'index': {
      const reference = asReferencePath(expression);
      if (reference && reference.root === 'steps' && !variables.has('steps')) {
        return environment.stepReference(reference);
      }
      if (reference?.root === 'inputs' && reference.segments.length === 0) environment.useInputs();
      const objectType = infer(expression.object);
      if (expression.kind === 'member') {
        const span = { start: expression.propertyStart, end: expression.end };
        const rootField =
          reference && reference.segments.length === 1 && !variables.has(reference.root) ? reference.root : undefined;
        if (rootField === 'inputs' || rootField === 'connections')
          return environment.declaredMember(rootField, expression.property, objectType, span);
        return accessField(objectType, expression.property, span, report);
      }
      const indexType = infer(expression.index);
      if (expression.index.kind === 'literal' && typeof expression.index.value === 'string') {
        if (reference?.root === 'inputs' && reference.segments.length === 1)
          environment.useInputs(expression.index.value);
        return accessField(objectType, expression.index.value, expression.index, report);
      }
      const target = nonNull(objectType);
      if (target.kind === 'array') {
        if (isDefinitely(indexType, ['string', 'boolean', 'array', 'object', 'null'])) {
          report({
            code: 'IFX507',
            messageId: 'listIndex',
            data: { type: describeType(indexType) },
            span: expression.index,
          });
        }
        return target.items;
      }
      return UNKNOWN;
    }
    case 'call':
      return inferCall(expression, environment);
    case 'unary': {
      const operand = infer(expression.operand);
      if (expression.operator === '!') return BOOLEAN;
      if (isDefinitely(operand, ['string', 'boolean', 'array', 'object', 'null'])) {
        report({
          code: 'IFX507',
          messageId: 'negate',
          data: { type: describeType(operand) },
          span: expression.operand,
        });
      }
      return NUMBER;
    }
    case 'conditional':
      infer(expression.test);
      return union([infer(expression.consequent), infer(expression.alternate)]);
    case 'binary': {
      const left = infer(expression.left);
      const right = infer(expression.right);
      const { operator } = expression;
      const nonNumeric: ValueType['kind'][] = ['string', 'boolean', 'array', 'object', 'null'];
      switch (operator) {
        case '-':
        case '*':
        case '/':
        case '%':
          for (const [side, type] of [
            [expression.left, left],
            [expression.right, right],
          ] as const) {
            if (isDefinitely(type, nonNumeric)) {
              report({
                code: 'IFX507',
                messageId: type.kind === 'string' ? 'arithmeticText' : 'arithmetic',
                data: { operator, type: describeType(type) },
                span: side,
              });
            }
          }
          return NUMBER;
        case '+':
          for (const [side, type] of [
            [expression.left, left],
            [expression.right, right],
          ] as const) {
            if (isDefinitely(type, ['boolean', 'array', 'object', 'null'])) {
              report({ code: 'IFX507', messageId: 'plus', data: { type: describeType(type) }, span: side });
            }
          }
          if (isDefinitely(left, ['string']) || isDefinitely(right, ['string'])) return STRING;
          if (isDefinitely(left, ['number']) && isDefinitely(right, ['number'])) return NUMBER;
          return union([STRING, NUMBER]);
        case '<':
        case '<=':
        case '>':
        case '>=':
        case '==':
        case '!=': {
          const mixed =
            (isDefinitely(left, ['string']) && isDefinitely(right, ['number'])) ||
            (isDefinitely(left, ['number']) && isDefinitely(right, ['string']));
          if (mixed) {
            const text = isDefinitely(left, ['string']) ? expression.left : expression.right;
            report({
              ...(operator === '==' || operator === '!='
                ? { code: 'IFX502', messageId: 'equalityTextNumber', data: { operator } }
                : { code: 'IFX502', messageId: 'orderingTextNumber' }),
              span: text,
              severity: 'warning',
            });
          }
          return BOOLEAN;
        }
        case '&&':
        case '||':
          return isDefinitely(left, ['boolean']) && isDefinitely(right, ['boolean']) ? BOOLEAN : union([left, right]);
        case '??':
          return union([nonNull(left), right]);
      }
    }
  }
  return UNKNOWN;
}

/** The type of field `name` of a value of `type`; reports fields the type does not have. */
export function accessField(type: ValueType, name: string | number, span: Span, report: ReportProblem): ValueType {
  if (typeof name === 'string' && RESERVED_FIELD_NAMES.has(name)) {
    report({ code: 'IFX317', messageId: 'reservedField', data: { name }, span });
    return UNKNOWN;
  }
  const target = nonNull(type);
  switch (target.kind) {
    case 'unknown':
    case 'union':
      return UNKNOWN;
    case 'object': {
      const key = String(name);
      if (Object.prototype.hasOwnProperty.call(target.fields, key)) return target.fields[key]!;
      const suggestion = closestMatch(key, Object.keys(target.fields));
      if (!target.open) {
        const known = Object.keys(target.fields);
        report({
          ...(suggestion || known.length === 0 || known.length > 15
            ? { code: 'IFX311', messageId: 'unknownField', data: { name: key, didYouMean: didYouMean(suggestion) } }
            : { code: 'IFX311', messageId: 'unknownFieldOf', data: { name: key, fields: known.join(', ') } }),
          span,
          suggestion,
        });
      } else if (suggestion !== undefined) {
        report({
          code: 'IFX311',
          messageId: 'notKnownField',
          data: { name: key, didYouMean: didYouMean(suggestion) },
          span,
          suggestion,
          severity: 'warning',
        });
      }
      return UNKNOWN;
    }
    case 'array':
      if (name === 'length') return NUMBER;
      if (typeof name === 'number') return target.items;
      report({ code: 'IFX311', messageId: 'listField', data: { name: String(name) }, span });
      return UNKNOWN;
    case 'string':
      if (name === 'length') return NUMBER;
      if (typeof name === 'number') return STRING;
      report({ code: 'IFX311', messageId: 'textField', data: { name: String(name) }, span });
      return UNKNOWN;
    default:
      report({
        code: 'IFX311',
        messageId: 'valueField',
        data: { type: describeType(target), name: String(name) },
        span,
      });
      return UNKNOWN;
  }
}

function inferCall(call: Extract<Expression, { kind: 'call' }>, environment: InferenceEnvironment): ValueType {
  const { report } = environment;
  const args = call.args.map((arg) => inferType(arg, environment));
  const needList = (index: number) => {
    const type = args[index];
    if (type && isDefinitely(type, ['string', 'number', 'boolean', 'object', 'null'])) {
      report({
        code: 'IFX507',
        messageId: 'needsList',
        data: { callee: call.callee, type: describeType(type) },
        span: call.args[index]!,
      });
    }
    return type && type.kind === 'array' ? type.items : UNKNOWN;
  };
  const fieldOf = (itemType: ValueType, index: number): ValueType => {
    const arg = call.args[index];
    if (!arg) return itemType;
    if (arg.kind !== 'literal' || typeof arg.value !== 'string') return UNKNOWN;
    return accessField(itemType, arg.value, { start: arg.start + 1, end: arg.end - 1 }, report);
  };
  switch (call.callee) {
    case 'length': {
      const type = args[0]!;
      if (isDefinitely(type, ['number', 'boolean', 'null']))
        report({
          code: 'IFX507',
          messageId: 'lengthArgument',
          data: { type: describeType(type) },
          span: call.args[0]!,
        });
      return NUMBER;
    }
    case 'number':
    case 'round':
      if (call.callee === 'round' && isDefinitely(args[0]!, ['string', 'boolean', 'array', 'object', 'null'])) {
        report({
          code: 'IFX507',
          messageId: 'roundArgument',
          data: { type: describeType(args[0]!) },
          span: call.args[0]!,
        });
      }
      return NUMBER;
    case 'sum':
    case 'avg':
    case 'min':
    case 'max': {
      const items = needList(0);
      const field = fieldOf(items, 1);
      if (isDefinitely(field, ['string', 'boolean', 'array', 'object'])) {
        report({
          code: 'IFX507',
          messageId: 'sumOfNonNumbers',
          data: { callee: call.callee, type: describeType(field) },
          span: call.args[1] ?? call.args[0]!,
        });
      }
      return NUMBER;
    }
    case 'pluck':
      return arrayOf(fieldOf(needList(0), 1));
    case 'where':
    case 'sortBy': {
      const items = needList(0);
      fieldOf(items, 1);
      return args[0]!.kind === 'array' ? args[0]! : arrayOf(UNKNOWN);
    }
    case 'unique':
      needList(0);
      return args[0]!.kind === 'array' ? args[0]! : arrayOf(UNKNOWN);
    case 'first':
    case 'last':
      return needList(0);
    case 'slice':
      return mayBe(args[0]!, ['array']) && !mayBe(args[0]!, ['string'])
        ? args[0]!
        : isDefinitely(args[0]!, ['string'])
          ? STRING
          : UNKNOWN;
    case 'split':
    case 'keys':
      return arrayOf(STRING);
    case 'contains':
      return BOOLEAN;
    case 'default':
      return union([nonNull(args[0]!), args[1]!]);
    case 'join':
      needList(0);
      return STRING;
    default:
      // lower, upper, trim, truncate, string, json, now, today, daysAgo, money, percent
      return STRING;
  }
}
