import type { DocumentPath } from '@ionflux/dsl';

/** An n8n workflow as n8n exports and imports it (the parts IONFLUX emits). */
export interface N8nWorkflow {
  name: string;
  nodes: N8nNode[];
  connections: N8nConnections;
  settings: N8nSettings;
  meta: { ionflux: IonfluxMeta };
}

export interface N8nNode {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Record<string, unknown>;
  credentials?: Record<string, { id: string; name: string }>;
  webhookId?: string;
  notes?: string;
  retryOnFail?: boolean;
  maxTries?: number;
  waitBetweenTries?: number;
  onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
}

export interface N8nConnection {
  node: string;
  type: 'main';
  index: number;
}

/** `connections[from].main[outputIndex]` lists the inputs it feeds. */
export type N8nConnections = Record<string, { main: N8nConnection[][] }>;

export interface N8nSettings {
  executionOrder: 'v1';
  timezone?: string;
  /** Seconds. */
  executionTimeout?: number;
}

/** What each node is for, so a runtime error on a node is reported at the agent's line:col. */
export type NodeRole =
  | 'trigger'
  | 'inputs'
  | 'action'
  | 'if'
  | 'switch'
  | 'merge'
  | 'loop-items'
  | 'loop-check'
  | 'loop-split'
  | 'loop'
  | 'loop-collect'
  | 'loop-done'
  | 'loop-empty'
  | 'loop-end'
  | 'error'
  | 'handler'
  | 'output'
  | 'output-canvas'
  | 'output-chat';

export interface NodeSource {
  role: NodeRole;
  /** The step the node belongs to (actions, branches, loops and their helper nodes). */
  step?: string;
  /** Where it came from in the agent document, e.g. ['spec', 'steps', 0]. Resolve to line:col with the YAML. */
  path: DocumentPath;
}

export interface IonfluxMeta {
  /** Version of the compiler's output format. */
  format: 1;
  agent: string;
  version: string;
  /**
   * sha256 of the normalized agent as compiled (nodes, connections, settings, declarations; node positions left out):
   * comments, formatting, key order and layout do not change it.
   */
  hash: string;
  metadata: Record<string, unknown>;
  inputs: Record<string, unknown>;
  connections: Record<string, unknown>;
  policy?: { budget?: { tokens?: number; usd?: number }; concurrency?: 'parallel' | 'serial' };
  nodes: Record<string, NodeSource>;
}
