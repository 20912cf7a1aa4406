import type { ActionDefinition } from '../catalog/actions';
import type { ConnectionType } from '../catalog/connections';
import type { DocumentPath } from '../diagnostics';
import { closestMatch, didYouMean } from '../suggest';
import type { CheckContext, Obj } from './context';

/**
 * The connection an action step uses: the one it names, or the only declared one of the type the action needs
 * (recorded in `resolvedConnections`); then whether that connection asks for the scopes the action needs.
 */
export function checkStepConnection(
  context: CheckContext,
  { step, path, uses, action }: { step: Obj; path: DocumentPath; uses: string; action: ActionDefinition },
): void {
  const needed = action.connection;
  const stepId = typeof step.id === 'string' ? step.id : '';
  if (typeof step.connection === 'string') {
    if (!needed) {
      context.report({
        code: 'IFX306',
        messageId: 'connectionNotNeeded',
        data: { action: uses },
        path: [...path, 'connection'],
      });
      return;
    }
    const ok = checkNamedConnection(context, {
      name: step.connection,
      type: needed.type,
      path: [...path, 'connection'],
      user: uses,
    });
    if (ok) {
      context.resolvedConnections.set(stepId, step.connection);
      checkScopes(context, { connectionName: step.connection, uses, action, path: [...path, 'connection'] });
    }
    return;
  }
  if (!needed) return;
  const candidates = [...context.connections].filter(([, c]) => c.type === needed.type).map(([name]) => name);
  if (candidates.length === 1) {
    context.usedConnections.add(candidates[0]!);
    context.resolvedConnections.set(stepId, candidates[0]!);
    checkScopes(context, { connectionName: candidates[0]!, uses, action, path: [...path, 'uses'] });
  } else if (candidates.length === 0 && needed.required) {
    context.report({
      code: 'IFX307',
      messageId: 'missingConnection',
      data: { action: uses, type: needed.type },
      path: [...path, 'uses'],
    });
  } else if (candidates.length > 1) {
    context.report({
      code: 'IFX308',
      messageId: 'ambiguousConnection',
      data: { type: needed.type, candidates: candidates.join(', ') },
      path: [...path, 'uses'],
    });
  }
}

/** A connection named by a step or a trigger: declared, and of the type its user needs. Marks it used. */
export function checkNamedConnection(
  context: CheckContext,
  { name, type, path, user }: { name: string; type: ConnectionType; path: DocumentPath; user: string },
): boolean {
  const connection = context.connections.get(name);
  if (!connection) {
    const suggestion = closestMatch(name, context.connections.keys());
    context.report({
      code: 'IFX304',
      messageId: 'unknownConnection',
      data: { name, didYouMean: didYouMean(suggestion) },
      path,
      suggestion,
    });
    return false;
  }
  context.usedConnections.add(name);
  if (typeof connection.type === 'string' && connection.type !== type) {
    context.report({
      code: 'IFX306',
      messageId: 'wrongConnectionType',
      data: { user, type, name, actual: connection.type },
      path,
    });
    return false;
  }
  return true;
}

function checkScopes(
  context: CheckContext,
  {
    connectionName,
    uses,
    action,
    path,
  }: { connectionName: string; uses: string; action: ActionDefinition; path: DocumentPath },
): void {
  const connection = context.connections.get(connectionName);
  const declared = Array.isArray(connection?.scopes) ? (connection!.scopes as unknown[]) : undefined;
  if (!declared || !action.connection?.scopes) return;
  const missing = action.connection.scopes.filter((scope) => !declared.includes(scope));
  if (missing.length > 0) {
    context.report({
      code: 'IFX316',
      messageId: missing.length > 1 ? 'missingScopes' : 'missingScope',
      data: { action: uses, scopes: missing.join(', '), connection: connectionName },
      path,
      severity: 'warning',
    });
  }
}
