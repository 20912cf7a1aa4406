import { triggerCatalog, type TriggerKind } from '../catalog/triggers';
import { typeFromSchema } from '../expressions/types';
import { closestMatch, didYouMean } from '../suggest';
import { checkNamedConnection } from './connections';
import { isObj, type CheckContext, type Obj } from './context';
import { cronProblem } from './cron';

/** `spec.trigger`: records the payload type `trigger` has in expressions; checks cron, timezone and connection. */
export function checkTrigger(context: CheckContext): void {
  const trigger = context.spec.trigger;
  const kinds = Object.keys(isObj(trigger) ? trigger : {});
  const kind = kinds.length === 1 ? (kinds[0] as TriggerKind) : undefined;
  if (!kind || !(kind in triggerCatalog)) return;
  context.triggerType = typeFromSchema(triggerCatalog[kind].payload);
  const config = (trigger as Obj)[kind];
  if (!isObj(config)) return;
  if (kind === 'schedule' && typeof config.cron === 'string') {
    const problem = cronProblem(config.cron);
    if (problem) context.report({ ...problem, path: ['spec', 'trigger', kind, 'cron'] });
  }
  if (kind === 'schedule' && typeof config.timezone === 'string' && !isTimeZone(config.timezone)) {
    const suggestion = closestMatch(config.timezone, timeZones());
    context.report({
      code: 'IFX203',
      messageId: 'unknownTimezone',
      data: { timezone: config.timezone, didYouMean: didYouMean(suggestion) },
      path: ['spec', 'trigger', kind, 'timezone'],
      suggestion,
    });
  }
  if (kind === 'shopify.order' && typeof config.connection === 'string') {
    checkNamedConnection(context, {
      name: config.connection,
      type: 'shopify',
      path: ['spec', 'trigger', kind, 'connection'],
      user: 'The Shopify order trigger',
    });
  }
}

let zones: string[] | undefined;
function timeZones(): string[] {
  zones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return zones;
}
function isTimeZone(name: string): boolean {
  if (timeZones().includes(name)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
