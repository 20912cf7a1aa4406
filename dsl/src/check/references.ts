import { getAction } from '../catalog/actions';
import { connectionValueSchema } from '../catalog/connections';
import type { JsonSchema } from '../catalog/json-schema';
import type { DocumentPath } from '../diagnostics';
import type { ReferencePath } from '../expressions/ast';
import { accessField, type InferenceEnvironment, type ReportProblem, type Span } from '../expressions/infer';
import { arrayOf, objectOf, typeFromSchema, UNKNOWN, type ValueType } from '../expressions/types';
import { closestMatch, didYouMean } from '../suggest';
import { isObj, ROOTS, type CheckContext, type Location, type StepInfo } from './context';
import { inputsType } from './inputs';
import { jsonSchemaProblem } from './json-schema';

/**
 * References and scopes: what the names an expression starts from mean at one place of the agent. `steps.<id>`
 * must name a step that has run before (not later, not inside a loop or handler the place is not in, warning when
 * it ran in one branch only); `inputs.<name>` and `connections.<name>` must be declared; loop variables and `error`
 * are in scope where their loop or handler is.
 */
export function inferenceEnvironment(
  context: CheckContext,
  { path, value, location }: { path: DocumentPath; value: string; location: Location },
): InferenceEnvironment {
  const report: ReportProblem = ({ span, ...problem }) =>
    context.reportInString({ ...problem, path, value, start: span.start, end: span.end });
  return {
    variables: location.variables,
    report,
    rootType: (name, span) => resolveRoot(context, { name, span, location, report }),
    stepReference: (reference) => resolveStepReference(context, { reference, location, report }),
    declaredMember: (root, name, objectType, span) => {
      const declared = root === 'inputs' ? context.inputs : context.connections;
      const used = root === 'inputs' ? context.usedInputs : context.usedConnections;
      if (declared.has(name)) {
        used.add(name);
        return objectType.kind === 'object' ? (objectType.fields[name] ?? UNKNOWN) : UNKNOWN;
      }
      const suggestion = closestMatch(name, declared.keys());
      report({
        ...(root === 'inputs'
          ? { code: 'IFX301', messageId: 'unknownInput', data: { name, didYouMean: didYouMean(suggestion) } }
          : { code: 'IFX304', messageId: 'unknownConnection', data: { name, didYouMean: didYouMean(suggestion) } }),
        span,
        suggestion,
      });
      return UNKNOWN;
    },
    useInputs: (name) => {
      if (name !== undefined) context.usedInputs.add(name);
      else context.inputs.forEach((_, input) => context.usedInputs.add(input));
    },
  };
}

function resolveRoot(
  context: CheckContext,
  { name, span, location, report }: { name: string; span: Span; location: Location; report: ReportProblem },
): ValueType {
  const variable = location.variables.get(name);
  if (variable) return variable;
  switch (name) {
    case 'inputs':
      return inputsType(context);
    case 'trigger':
      return context.triggerType;
    case 'connections': {
      const fields: Record<string, ValueType> = {};
      for (const connection of context.connections.keys()) fields[connection] = typeFromSchema(connectionValueSchema);
      return objectOf(fields, false);
    }
    case 'steps':
      report({ code: 'IFX312', messageId: 'stepsAlone', span });
      return UNKNOWN;
    default: {
      const candidates = [...ROOTS, ...location.variables.keys()];
      const suggestion = closestMatch(name, candidates);
      const data = { name, didYouMean: didYouMean(suggestion), roots: candidates.join(', ') };
      report({
        code: 'IFX312',
        messageId:
          location.loops.length === 0 && (name === 'item' || name === 'loop')
            ? 'unknownLoopVariable'
            : 'unknownVariable',
        data,
        span,
        suggestion,
      });
      return UNKNOWN;
    }
  }
}

function resolveStepReference(
  context: CheckContext,
  { reference, location, report }: { reference: ReferencePath; location: Location; report: ReportProblem },
): ValueType {
  const [idSegment, outputSegment, ...rest] = reference.segments;
  if (!idSegment) return UNKNOWN;
  const id = String(idSegment.name);
  const target = context.steps.get(id);
  if (!target) {
    const suggestion = closestMatch(
      id,
      [...context.steps.values()].filter((s) => s.order < location.order).map((s) => s.id),
    );
    report({
      code: 'IFX302',
      messageId: 'unknownStep',
      data: { id, didYouMean: didYouMean(suggestion) },
      span: idSegment,
      suggestion,
    });
    return UNKNOWN;
  }
  if (target.handler !== undefined && target.handler !== location.handler) {
    report({ code: 'IFX313', messageId: 'handlerStep', data: { id, handler: target.handler }, span: idSegment });
    return UNKNOWN;
  }
  const hiddenLoop = target.loops.find((loop) => !location.loops.includes(loop));
  if (hiddenLoop !== undefined) {
    report({ code: 'IFX313', messageId: 'loopStep', data: { id, loop: hiddenLoop }, span: idSegment });
    return UNKNOWN;
  }
  if (target.handler === location.handler && target.order >= location.order) {
    report({
      code: 'IFX303',
      messageId: target.order === location.order ? 'ownOutput' : 'laterStep',
      data: { id },
      span: idSegment,
    });
    return UNKNOWN;
  }
  const skipped = target.branches.find((branch) => !location.branches.includes(branch));
  if (skipped !== undefined) {
    const [step, ...branch] = skipped.split(':');
    report({
      code: 'IFX314',
      messageId: 'branchOnly',
      data: { id, branch: branch.join(' '), step: step! },
      span: idSegment,
      severity: 'warning',
    });
  } else if (location.handler !== undefined && target.handler === undefined) {
    report({ code: 'IFX314', messageId: 'beforeHandler', data: { id }, span: idSegment, severity: 'warning' });
  }
  if (!outputSegment) {
    report({ code: 'IFX311', messageId: 'missingOutput', data: { id }, span: idSegment, suggestion: `${id}.output` });
    return UNKNOWN;
  }
  if (outputSegment.name !== 'output') {
    report({
      code: 'IFX311',
      messageId: 'outputSegment',
      data: { id, name: String(outputSegment.name) },
      span: outputSegment,
      suggestion: 'output',
    });
    return UNKNOWN;
  }
  const outputType = stepOutputType(context, target);
  if (outputType === undefined) {
    report({
      code: 'IFX311',
      messageId: 'noOutput',
      data: { id, kind: target.kind === 'if' ? 'an if' : 'a switch' },
      span: outputSegment,
    });
    return UNKNOWN;
  }
  let type = outputType;
  for (const segment of rest) type = accessField(type, segment.name, segment, report);
  return type;
}

/** The type of `steps.<id>.output`, or undefined for if/switch steps (they have no output). */
function stepOutputType(context: CheckContext, info: StepInfo): ValueType | undefined {
  if (context.outputTypes.has(info.id)) return context.outputTypes.get(info.id);
  context.outputTypes.set(info.id, UNKNOWN); // guards against self-referencing loops
  let type: ValueType | undefined = UNKNOWN;
  if (info.kind === 'action') {
    const uses = info.step.uses;
    const action = typeof uses === 'string' ? getAction(uses) : undefined;
    if (action) {
      type = typeFromSchema(action.output);
      const withValue = info.step.with;
      if (
        uses === 'llm.extract' &&
        isObj(withValue) &&
        isObj(withValue.schema) &&
        !jsonSchemaProblem(withValue.schema) &&
        type.kind === 'object'
      ) {
        type = objectOf({ ...type.fields, data: typeFromSchema(withValue.schema as JsonSchema) }, type.open);
      }
    }
  } else if (info.kind === 'forEach') {
    // One entry per item: the item under the loop variable's name, and the output of each action step directly
    // in the loop body under its id.
    const fields: Record<string, ValueType> = {};
    fields[typeof info.step.as === 'string' ? info.step.as : 'item'] = context.loopItemTypes.get(info.id) ?? UNKNOWN;
    for (const inner of Array.isArray(info.step.steps) ? info.step.steps : []) {
      const innerInfo = isObj(inner) && typeof inner.id === 'string' ? context.steps.get(inner.id) : undefined;
      if (innerInfo?.kind === 'action') fields[innerInfo.id] = stepOutputType(context, innerInfo) ?? UNKNOWN;
    }
    type = arrayOf(objectOf(fields, false));
  } else if (info.kind === 'if' || info.kind === 'switch') {
    type = undefined;
  }
  context.outputTypes.set(info.id, type);
  return type;
}
