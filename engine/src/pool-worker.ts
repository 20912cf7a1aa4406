/**
 * A worker thread of an EnginePool: runs agents with runAgent (n8n-core's WorkflowExecute, as on the main thread) and
 * asks the pool for credentials, which stay with the pool's resolver on the main thread.
 */
import { parentPort } from 'node:worker_threads';
import type { N8nWorkflow } from '@ionflux/compiler';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { CredentialNotFound, type CredentialResolver } from './credentials';
import { serializeError, type FromWorker, type SourceMap, type ToWorker } from './pool-protocol';
import { runAgent, type NodeEvent } from './run-agent';

/** A node that stands for an agent step, or the output's canvas / chat delivery (what progress displays count). */
function isStepNode(event: NodeEvent): boolean {
  return event.step !== undefined || event.role === 'output-canvas' || event.role === 'output-chat';
}

if (!parentPort) throw new Error('pool-worker runs as a worker thread of an EnginePool.');
const port = parentPort;

/** Workflows this worker has been sent, most recently used last. */
const workflows = new Map<number, { workflow: N8nWorkflow; sourceMap?: SourceMap }>();
const WORKFLOWS_MAX = 64;
const controllers = new Map<number, AbortController>();
const pendingCredentials = new Map<
  number,
  { resolve: (data: ICredentialDataDecryptedObject) => void; reject: (error: Error) => void }
>();
let nextRequestId = 1;

const send = (message: FromWorker) => port.postMessage(message);

/** Credentials for one run, fetched from the pool once per reference and type. */
function credentialsFor(runId: number): CredentialResolver {
  const cache = new Map<string, Promise<ICredentialDataDecryptedObject>>();
  return ({ reference, type, node }) => {
    const key = `${reference.id ?? ''}\u0000${reference.name}\u0000${type}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = new Promise<ICredentialDataDecryptedObject>((resolve, reject) => {
        const requestId = nextRequestId++;
        pendingCredentials.set(requestId, { resolve, reject });
        send({
          type: 'credentials',
          requestId,
          runId,
          reference,
          credentialType: type,
          node: { name: node.name, type: node.type },
        });
      });
      cache.set(key, pending);
    }
    return pending;
  };
}

async function run(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const { runId, workflowId } = message;
  if (message.workflow) workflows.set(workflowId, message.workflow);
  const entry = workflows.get(workflowId);
  if (!entry) return send({ type: 'need-workflow', runId });
  workflows.delete(workflowId);
  workflows.set(workflowId, entry);
  if (workflows.size > WORKFLOWS_MAX) workflows.delete(workflows.keys().next().value!);

  const controller = new AbortController();
  controllers.set(runId, controller);
  const { options } = message;
  // Events held until a step's node starts or the run ends (`eventsPerStep`): one message per step, not per event.
  const held: NodeEvent[] = [];
  const onNodeEvent = (event: NodeEvent) => {
    if (!options.eventsPerStep) return send({ type: 'events', runId, events: [event] });
    held.push(event);
    if (event.type === 'start' && isStepNode(event)) send({ type: 'events', runId, events: held.splice(0) });
  };
  const stillHeld = () => (held.length > 0 ? { events: held.splice(0) } : {});
  try {
    const result = await runAgent({
      workflow: entry.workflow,
      ...(entry.sourceMap ? { sourceMap: entry.sourceMap } : {}),
      credentials: credentialsFor(runId),
      signal: controller.signal,
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.trigger !== undefined ? { trigger: options.trigger } : {}),
      ...(options.accounts ? { accounts: options.accounts } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.executionId ? { executionId: options.executionId } : {}),
      ...(options.tokenPrices ? { tokenPrices: options.tokenPrices } : {}),
      ...(options.budgetOwners ? { budgetOwners: options.budgetOwners } : {}),
      ...(options.events ? { onNodeEvent } : {}),
      ...(options.credentialUpdates
        ? { onCredentialUpdate: (update) => send({ type: 'credential-update', runId, update }) }
        : {}),
    });
    send({ type: 'done', runId, result, ...stillHeld() });
  } catch (error) {
    send({ type: 'failed', runId, error: serializeError(error), ...stillHeld() });
  } finally {
    controllers.delete(runId);
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'run':
      void run(message);
      break;
    case 'cancel':
      controllers.get(message.runId)?.abort();
      break;
    case 'credentials': {
      const pending = pendingCredentials.get(message.requestId);
      if (!pending) break;
      pendingCredentials.delete(message.requestId);
      if (message.error) {
        const error =
          message.error.name === 'CredentialNotFound'
            ? new CredentialNotFound(message.error.message)
            : new Error(message.error.message);
        pending.reject(error);
      } else {
        pending.resolve((message.data ?? {}) as ICredentialDataDecryptedObject);
      }
      break;
    }
  }
});
