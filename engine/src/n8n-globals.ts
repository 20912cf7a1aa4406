import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { LOG_LEVELS, LoggerProxy, setGlobalState } from 'n8n-workflow';

const noOp = () => undefined;

/**
 * n8n's Logger looks up its caller (a stack walk through `callsites`) on every call before winston drops the line,
 * even when silent; WorkflowExecute logs several debug lines per node, which made logging a tenth of a run's time.
 * When n8n's log level is silent (the engine's default, see environment.ts) the root logger's methods become no-ops,
 * as n8n itself does for the levels below the configured one, and the LoggerProxy n8n-core logs through is
 * pointed at it again.
 */
export function quietSilentN8nLogger(): void {
  if (process.env.N8N_LOG_LEVEL !== 'silent') return;
  const logger = Container.get(Logger);
  for (const level of LOG_LEVELS.filter((l) => l !== 'silent')) Object.defineProperty(logger, level, { value: noOp });
  LoggerProxy.init(logger);
}

/**
 * Agents without a timezone of their own run in UTC, as the DSL documents (`now()`, schedules), whatever n8n's
 * default is (America/New_York): `$now` and date expressions then agree with the agent's own functions.
 */
export function useUtcByDefault(): void {
  setGlobalState({ defaultTimezone: process.env.GENERIC_TIMEZONE || 'UTC' });
}
