import { entries, isObj, locationAfterSteps, type CheckContext } from './context';
import { checkValue } from './values';

/** `spec.output`: its expressions run after the main flow (handler and loop steps are not visible). */
export function checkOutput(context: CheckContext): void {
  const output = context.spec.output;
  if (!isObj(output)) return;
  const location = locationAfterSteps();
  if (output.value !== undefined)
    checkValue(context, { value: output.value, path: ['spec', 'output', 'value'], location });
  for (const [section, value] of entries(output)) {
    if (section === 'value' || !isObj(value)) continue;
    for (const [key, field] of Object.entries(value))
      checkValue(context, { value: field, path: ['spec', 'output', section, key], location });
  }
}
