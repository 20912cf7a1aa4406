import type { DocumentPath, Range } from '@ionflux/dsl';
import type { N8nWorkflow } from '@ionflux/compiler';
import type { INodeCredentialsDetails } from 'n8n-workflow';
import type { CredentialUpdate } from './credentials';
import type { AgentRunResult, NodeEvent, RunAgentOptions } from './run-agent';

/** Messages between an EnginePool and its worker threads (structured-clone data only). */

export type SourceMap = Record<string, { path: DocumentPath; range: Range }>;

export interface WorkerRunOptions {
  input?: Record<string, unknown>;
  trigger?: unknown;
  accounts?: Record<string, string>;
  timeoutMs?: number;
  executionId?: string;
  /** Send node events back (only when the caller listens). */
  events: boolean;
  /** Hold node events and send them together when a step's node starts and with the run's end (see PoolRunOptions). */
  eventsPerStep?: boolean;
  /** Send credentials n8n changed (refreshed OAuth2 tokens) back (only when the caller listens). */
  credentialUpdates?: boolean;
  tokenPrices?: RunAgentOptions['tokenPrices'];
  budgetOwners?: RunAgentOptions['budgetOwners'];
}

export type ToWorker =
  /** `workflow` comes with the first run of a workflow on a worker, and again when the worker asks for it. */
  | {
      type: 'run';
      runId: number;
      workflowId: number;
      workflow?: { workflow: N8nWorkflow; sourceMap?: SourceMap };
      options: WorkerRunOptions;
    }
  | { type: 'cancel'; runId: number }
  | { type: 'credentials'; requestId: number; data?: Record<string, unknown>; error?: SerializedError };

export type FromWorker =
  | { type: 'need-workflow'; runId: number }
  /** Node events in the order they happened (one, or those held since the last message). */
  | { type: 'events'; runId: number; events: NodeEvent[] }
  | {
      type: 'credentials';
      requestId: number;
      runId: number;
      reference: INodeCredentialsDetails;
      credentialType: string;
      node: { name: string; type: string };
    }
  | { type: 'credential-update'; runId: number; update: CredentialUpdate }
  /** `events`: node events still held, which come before the end. */
  | { type: 'done'; runId: number; result: AgentRunResult; events?: NodeEvent[] }
  | { type: 'failed'; runId: number; error: SerializedError; events?: NodeEvent[] };

export interface SerializedError {
  name: string;
  message: string;
  /** RunInputError's field. */
  field?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const field = (error as { field?: unknown }).field;
  return { name: error.constructor.name, message: error.message, ...(typeof field === 'string' ? { field } : {}) };
}
