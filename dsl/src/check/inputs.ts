import { arrayOf, BOOLEAN, NUMBER, objectOf, STRING, UNKNOWN, type ValueType } from '../expressions/types';
import type { DiagnosticMessage } from '../diagnostics';
import { isObj, RESERVED_NAMES, type CheckContext, type Obj } from './context';

/** `spec.inputs`: names that expressions reserve, and defaults that do not fit their declared type. */
export function checkInputs(context: CheckContext): void {
  for (const [name, definition] of context.inputs) {
    if (RESERVED_NAMES.has(name)) {
      context.report({
        code: 'IFX203',
        messageId: 'reservedInput',
        data: { name },
        path: ['spec', 'inputs', name],
        prefer: 'key',
      });
    }
    const knownType = ['string', 'number', 'integer', 'boolean', 'array', 'object'].includes(definition.type as string);
    if (!('default' in definition) || !knownType) continue;
    const problem = defaultProblem({ value: definition.default, definition, name, at: '' });
    if (problem) context.report({ ...problem, path: ['spec', 'inputs', name, 'default'] });
  }
}

/** The type of `inputs` in expressions: one field per declared input. */
export function inputsType(context: CheckContext): ValueType {
  const fields: Record<string, ValueType> = {};
  for (const [name, definition] of context.inputs) fields[name] = inputValueType(definition);
  return objectOf(fields, false);
}

function inputValueType(definition: Obj): ValueType {
  switch (definition.type) {
    case 'string':
      return STRING;
    case 'number':
    case 'integer':
      return NUMBER;
    case 'boolean':
      return BOOLEAN;
    case 'array': {
      const items = isObj(definition.items) ? inputValueType(definition.items) : UNKNOWN;
      return arrayOf(items);
    }
    case 'object':
      return objectOf({}, true);
    default:
      return UNKNOWN;
  }
}

/**
 * Why a literal value (an input's default, or an item of it at `at`, e.g. ` at [2]`) does not fit the input
 * definition, or undefined when it does.
 */
function defaultProblem({
  value,
  definition,
  name,
  at,
}: {
  value: unknown;
  definition: Obj;
  name: string;
  at: string;
}): Extract<DiagnosticMessage, { code: 'IFX504' }> | undefined {
  const type = definition.type;
  const actual = Array.isArray(value)
    ? 'a list'
    : value === null
      ? 'null'
      : typeof value === 'object'
        ? 'a mapping'
        : `${typeof value} ${JSON.stringify(value)}`;
  const fits =
    (type === 'string' && typeof value === 'string') ||
    (type === 'number' && typeof value === 'number') ||
    (type === 'integer' && typeof value === 'number' && Number.isInteger(value)) ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'array' && Array.isArray(value)) ||
    (type === 'object' && isObj(value));
  if (!fits) {
    const expected = type === 'integer' ? 'a whole number' : `a ${String(type)}`;
    return { code: 'IFX504', messageId: 'wrongType', data: { name, at, actual, expected } };
  }
  if (
    Array.isArray(definition.enum) &&
    !definition.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))
  ) {
    const allowed = definition.enum.map((v) => JSON.stringify(v)).join(', ');
    return { code: 'IFX504', messageId: 'notAllowed', data: { name, at, allowed } };
  }
  if (typeof value === 'number' && typeof definition.minimum === 'number' && value < definition.minimum)
    return { code: 'IFX504', messageId: 'belowMinimum', data: { name, at, minimum: definition.minimum } };
  if (typeof value === 'number' && typeof definition.maximum === 'number' && value > definition.maximum)
    return { code: 'IFX504', messageId: 'aboveMaximum', data: { name, at, maximum: definition.maximum } };
  if (type === 'array' && isObj(definition.items) && Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = defaultProblem({
        value: item,
        definition: definition.items,
        name,
        at: `${at || ' at '}[${index}]`,
      });
      if (problem) return problem;
    }
  }
  return undefined;
}
