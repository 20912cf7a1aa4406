import { stepKind } from '../agent';
import { getAction } from '../catalog/actions';
import type { JsonSchema } from '../catalog/json-schema';
import type { DocumentPath } from '../diagnostics';
import { parseTemplateCached } from '../expressions/parse';
import {
  BOOLEAN,
  describeType,
  isDefinitely,
  mayBe,
  NUMBER,
  objectOf,
  typeFromSchema,
  UNKNOWN,
  type ValueType,
} from '../expressions/types';
import { checkStepConnection } from './connections';
import { entries, isObj, RESERVED_NAMES, type CheckContext, type Location, type Obj, type StepInfo } from './context';
import { checkOnErrorTarget, checkRetries } from './handlers';
import { jsonSchemaProblem } from './json-schema';
import { checkValue, checkWholeExpression } from './values';

/** Where steps sit: in a handler or not, inside which loops and branches. */
interface StepScope {
  handler: string | undefined;
  loops: string[];
  branches: string[];
}

/**
 * Steps and ids, first pass: records every step (main flow, branches, loops, handlers) in run order with where it
 * sits, so references can be checked in any order; reports duplicate ids.
 */
export function collectSteps(
  context: CheckContext,
  { steps, path, scope }: { steps: unknown; path: DocumentPath; scope: StepScope },
): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((step, index) => {
    if (!isObj(step)) return;
    const stepPath = [...path, index];
    const kind = stepKind(step);
    const id = typeof step.id === 'string' ? step.id : undefined;
    const info: StepInfo = { id: id ?? '', path: stepPath, step, kind, order: context.nextStepOrder++, ...scope };
    if (id !== undefined) {
      const existing = context.steps.get(id);
      if (existing) {
        context.report({
          code: 'IFX300',
          messageId: 'duplicateStepId',
          data: { id, previous: describePath(existing.path) },
          path: [...stepPath, 'id'],
        });
      } else {
        context.steps.set(id, info);
      }
    }
    const inner = (key: string, branch: string | undefined, extraLoop?: string) =>
      collectSteps(context, {
        steps: step[key],
        path: [...stepPath, key],
        scope: {
          handler: scope.handler,
          loops: extraLoop ? [...scope.loops, extraLoop] : scope.loops,
          branches: branch ? [...scope.branches, branch] : scope.branches,
        },
      });
    if (kind === 'if') {
      inner('then', `${id}:then`);
      inner('else', `${id}:else`);
    } else if (kind === 'switch') {
      for (const [value, caseSteps] of entries(step.cases)) {
        collectSteps(context, {
          steps: caseSteps,
          path: [...stepPath, 'cases', value],
          scope: { handler: scope.handler, loops: scope.loops, branches: [...scope.branches, `${id}:case:${value}`] },
        });
      }
      inner('default', `${id}:default`);
    } else if (kind === 'forEach') {
      inner('steps', undefined, id ?? '');
    }
  });
}

/**
 * Second pass, in document order: conditions, loop sources and variables, action parameters, connections and
 * error handling of each step, with the variables in scope where the step runs.
 */
export function checkSteps(
  context: CheckContext,
  { steps, path, variables }: { steps: unknown; path: DocumentPath; variables: Map<string, ValueType> },
): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((step, index) => {
    if (!isObj(step)) return;
    const stepPath = [...path, index];
    const info = typeof step.id === 'string' ? context.steps.get(step.id) : undefined;
    const location: Location =
      info && info.path.join('/') === stepPath.join('/')
        ? { order: info.order, handler: info.handler, loops: info.loops, branches: info.branches, variables }
        : { order: Number.MAX_SAFE_INTEGER, handler: undefined, loops: [], branches: [], variables };
    switch (stepKind(step)) {
      case 'action':
        checkAction(context, { step, path: stepPath, location });
        break;
      case 'if': {
        const type = checkWholeExpression(context, { value: step.if, path: [...stepPath, 'if'], location });
        if (type && isDefinitely(type, ['string', 'number', 'array', 'object', 'null'])) {
          context.report({
            code: 'IFX500',
            messageId: 'notBoolean',
            data: { type: describeType(type) },
            path: [...stepPath, 'if'],
          });
        }
        checkSteps(context, { steps: step.then, path: [...stepPath, 'then'], variables });
        checkSteps(context, { steps: step.else, path: [...stepPath, 'else'], variables });
        break;
      }
      case 'switch': {
        checkWholeExpression(context, { value: step.switch, path: [...stepPath, 'switch'], location });
        for (const [value, caseSteps] of entries(step.cases))
          checkSteps(context, { steps: caseSteps, path: [...stepPath, 'cases', value], variables });
        checkSteps(context, { steps: step.default, path: [...stepPath, 'default'], variables });
        break;
      }
      case 'forEach':
        checkForEach(context, { step, path: stepPath, location });
        break;
      default:
        break;
    }
  });
}

function checkForEach(
  context: CheckContext,
  { step, path, location }: { step: Obj; path: DocumentPath; location: Location },
): void {
  const type = checkWholeExpression(context, { value: step.forEach, path: [...path, 'forEach'], location });
  if (type && isDefinitely(type, ['string', 'number', 'boolean', 'object', 'null'])) {
    context.report({
      code: 'IFX501',
      messageId: 'notList',
      data: { type: describeType(type) },
      path: [...path, 'forEach'],
    });
  }
  const as = typeof step.as === 'string' ? step.as : 'item';
  if (RESERVED_NAMES.has(as)) {
    context.report({ code: 'IFX203', messageId: 'reservedLoopVariable', data: { name: as }, path: [...path, 'as'] });
  }
  const itemType = type && type.kind === 'array' ? type.items : UNKNOWN;
  if (typeof step.id === 'string') context.loopItemTypes.set(step.id, itemType);
  const clash = (Array.isArray(step.steps) ? step.steps : []).find((inner) => isObj(inner) && inner.id === as);
  if (clash) {
    context.report({ code: 'IFX203', messageId: 'loopVariableClash', data: { name: as }, path: [...path, 'as'] });
  }
  const inner = new Map(location.variables);
  inner.set(as, itemType);
  inner.set('loop', objectOf({ index: NUMBER, first: BOOLEAN, last: BOOLEAN, length: NUMBER }));
  checkSteps(context, { steps: step.steps, path: [...path, 'steps'], variables: inner });
}

function checkAction(
  context: CheckContext,
  { step, path, location }: { step: Obj; path: DocumentPath; location: Location },
): void {
  const uses = typeof step.uses === 'string' ? step.uses : undefined;
  const action = uses ? getAction(uses) : undefined;
  if (action) checkStepConnection(context, { step, path, uses: uses!, action });
  const withValue = step.with;
  if (isObj(withValue)) {
    const params = action?.params.properties ?? {};
    for (const [name, value] of Object.entries(withValue)) {
      const paramPath = [...path, 'with', name];
      if (name === 'schema' && uses === 'llm.extract') {
        const problem = jsonSchemaProblem(value);
        if (problem) context.report({ code: 'IFX506', messageId: 'invalidSchema', data: { problem }, path: paramPath });
        continue;
      }
      const type = checkValue(context, { value, path: paramPath, location });
      const expected = params[name];
      if (expected && type && typeof value === 'string' && parseTemplateCached(value).isWholeExpression) {
        const mismatch = parameterTypeMismatch(type, expected);
        if (mismatch) {
          context.report({
            code: 'IFX503',
            messageId: mismatch.convert ? 'parameterTypeConvert' : 'parameterType',
            data: { name, expected: mismatch.expected, actual: mismatch.actual },
            path: paramPath,
          });
        }
      }
    }
  }
  checkOnErrorTarget(context, step.onError, [...path, 'onError']);
  checkRetries(context, step.retries, [...path, 'retries']);
}

/** Why an expression of `type` cannot fill a parameter described by `schema`, or undefined. */
function parameterTypeMismatch(
  type: ValueType,
  schema: JsonSchema,
): { expected: string; actual: string; convert: boolean } | undefined {
  const expected = typeFromSchema(schema);
  if (type.kind === 'unknown' || expected.kind === 'unknown') return undefined;
  const accepts = (kind: ValueType['kind']): boolean => {
    switch (kind) {
      case 'string':
        // Numbers and booleans read naturally as text (titles, messages).
        return mayBe(expected, ['string']);
      case 'number':
        return mayBe(expected, ['number', 'string']);
      case 'boolean':
        return mayBe(expected, ['boolean', 'string']);
      case 'null':
        return mayBe(expected, ['null']) || true;
      default:
        return mayBe(expected, [kind]);
    }
  };
  const members = type.kind === 'union' ? type.types : [type];
  if (members.some((member) => member.kind === 'unknown' || accepts(member.kind))) {
    if (type.kind === 'string' && !mayBe(expected, ['string']))
      return { expected: describeType(expected), actual: 'text', convert: false };
    return undefined;
  }
  return {
    expected: describeType(expected),
    actual: describeType(type),
    convert: type.kind === 'string' && mayBe(expected, ['number']),
  };
}

/** `spec.steps[2].then[0]`: where a step is, for messages. */
function describePath(path: DocumentPath): string {
  return path
    .map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`))
    .join('')
    .replace(/^\./, '');
}
