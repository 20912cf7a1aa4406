import { agentSchema } from '@ionflux/dsl';
import type { CliIO } from '../io';

/** `ionflux schema`: the published JSON Schema of agent documents. */
export function schemaCommand(io: CliIO): number {
  io.stdout(`${JSON.stringify(agentSchema, null, 2)}\n`);
  return 0;
}
