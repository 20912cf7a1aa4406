import type { DocumentPath } from '../diagnostics';
import type { Template } from '../expressions/ast';
import { inferType } from '../expressions/infer';
import { hasExpression, parseTemplateCached } from '../expressions/parse';
import { objectOf, STRING, typeOfValue, type ValueType } from '../expressions/types';
import { isObj, recordInterpolationType, type CheckContext, type Location } from './context';
import { inferenceEnvironment } from './references';

/** Checks every string inside a value; returns the value's type (typed when it is one whole expression). */
export function checkValue(
  context: CheckContext,
  { value, path, location }: { value: unknown; path: DocumentPath; location: Location },
): ValueType | undefined {
  if (typeof value === 'string') {
    if (!hasExpression(value)) return STRING;
    const template = parseTemplateCached(value);
    reportTemplateProblems(context, { template, value, path });
    let wholeType: ValueType | undefined;
    template.parts.forEach((part, index) => {
      if (part.kind !== 'expression' || !part.expression) return;
      const type = inferType(part.expression, inferenceEnvironment(context, { path, value, location }));
      if (template.isWholeExpression) wholeType = type;
      else recordInterpolationType(context.interpolationTypes, { path, part: index, type });
    });
    return template.isWholeExpression ? wholeType : STRING;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkValue(context, { value: item, path: [...path, index], location }));
    return typeOfValue(value);
  }
  if (isObj(value)) {
    for (const [key, item] of Object.entries(value))
      checkValue(context, { value: item, path: [...path, key], location });
    return objectOf({}, true);
  }
  return typeOfValue(value);
}

/** A value that must be one `{{ expression }}` (if, switch, forEach); the schema checks the form. */
export function checkWholeExpression(
  context: CheckContext,
  { value, path, location }: { value: unknown; path: DocumentPath; location: Location },
): ValueType | undefined {
  if (typeof value !== 'string' || !hasExpression(value)) return undefined;
  const template = parseTemplateCached(value);
  if (!template.isWholeExpression) {
    reportTemplateProblems(context, { template, value, path });
    return undefined;
  }
  return checkValue(context, { value, path, location });
}

/** The expression parser's own problems (IFX4xx), placed on their characters in the string. */
function reportTemplateProblems(
  context: CheckContext,
  { template, value, path }: { template: Template; value: string; path: DocumentPath },
): void {
  for (const problem of template.problems) {
    context.addInString({
      code: problem.code,
      message: problem.message,
      path,
      value,
      start: problem.start,
      end: problem.end,
      suggestion: problem.suggestion,
    });
  }
}
