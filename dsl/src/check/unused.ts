import type { CheckContext } from './context';

/** Inputs and connections nothing uses (runs last: every expression and step has marked what it uses). */
export function checkUnused(context: CheckContext): void {
  for (const name of context.inputs.keys()) {
    if (!context.usedInputs.has(name)) {
      context.report({
        code: 'IFX315',
        messageId: 'unusedInput',
        data: { name },
        path: ['spec', 'inputs', name],
        prefer: 'key',
      });
    }
  }
  for (const name of context.connections.keys()) {
    if (!context.usedConnections.has(name)) {
      context.report({
        code: 'IFX315',
        messageId: 'unusedConnection',
        data: { name },
        path: ['spec', 'connections', name],
        prefer: 'key',
      });
    }
  }
}
