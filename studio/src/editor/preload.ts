import { api } from '../api/client';
import type { AgentConfiguration } from '../api/types';
import type { AnalysisRequest, AnalysisResponse } from './agent-worker-protocol';
import { NEW_AGENT_YAML } from './new-agent';

/**
 * Starts loading the agent editor before it is shown: on the intent to open it (a pointer over or focus on an
 * "Edit agent" link) and when its route renders. Three things then happen at once instead of one after the other:
 * the editor's chunk (Monaco, React Flow) downloads and evaluates, the agent's configuration is fetched, and the
 * analysis worker starts and analyses the agent's YAML, so the first diagnostics and graph are ready about when
 * Monaco is. The chunk still loads only for people about to open the editor.
 */
let loading: Promise<typeof import('./EditorScreen')> | undefined;

export function preloadAgentEditor(): Promise<typeof import('./EditorScreen')> {
  loading ??= import('./EditorScreen').then(async (module) => {
    performance.mark('ionflux:editor-chunk');
    await module.yamlTokenizerLoaded;
    return module;
  });
  // A failed load (offline for a moment) is retried by the next call.
  loading.catch(() => (loading = undefined));
  return loading;
}

/**
 * An editor session prepared ahead of the editor: its analysis worker (which may already have answered: `answers`
 * holds what it said before the editor listened) and the agent it was asked to analyse first.
 */
export interface PreparedEditor {
  /** The configuration (null for a new agent); rejects when it cannot be loaded. */
  agent: Promise<AgentConfiguration | null>;
  /** The text of the first analysis request (sent as the model's first version, seq 1), once it is sent. */
  firstText?: string | undefined;
  answers: AnalysisResponse[];
  /**
   * The prepared worker with what it answered so far and the text it was asked about; a second call (an editor
   * mounted again) gets a new worker with nothing sent.
   */
  takeWorker(): { worker: Worker; answers: AnalysisResponse[]; firstText: string | undefined };
  /** Stops the worker when the session is dropped untaken. */
  dispose(): void;
}

const startAgentWorker = () =>
  new Worker(new URL('./agent.worker.ts', import.meta.url), { type: 'module', name: 'agent-analysis' });

/** A prepared session not yet taken, and how old it may be when taken (the agent may have been saved since). */
let prepared: { key: string; at: number; session: PreparedEditor } | undefined;
const FRESH_MS = 15_000;
/** The key of the session an open editor holds (a re-render of its route must not prepare another). */
let active: string | undefined;

const keyOf = (workspaceId: string, agentId: string | undefined) => `${workspaceId}/${agentId ?? 'new'}`;

function createSession(workspaceId: string, agentId: string | undefined): PreparedEditor {
  let worker: Worker | undefined = startAgentWorker();
  const session: PreparedEditor = {
    agent: Promise.resolve(null),
    answers: [],
    takeWorker() {
      const taken = worker ?? startAgentWorker();
      const fresh = worker === undefined;
      worker = undefined;
      return { worker: taken, answers: fresh ? [] : session.answers, firstText: fresh ? undefined : session.firstText };
    },
    dispose: () => worker?.terminate(),
  };
  worker.onmessage = (event: MessageEvent<AnalysisResponse>) => void session.answers.push(event.data);
  const analyse = (text: string, layout: Record<string, [number, number]>) => {
    const request: AnalysisRequest = { seq: 1, text, layout };
    if (!worker) return;
    worker.postMessage(request);
    session.firstText = text;
  };
  performance.mark('ionflux:editor-prepare');
  if (agentId) {
    session.agent = api
      .get<{ agent: AgentConfiguration }>(`/api/workspaces/${workspaceId}/agents/${agentId}`)
      .then(({ agent }) => {
        performance.mark('ionflux:editor-agent-fetched');
        analyse(agent.yaml, agent.layout ?? {});
        return agent;
      });
    // Handled by whoever takes the session; a session never taken must not report an unhandled rejection.
    session.agent.catch(() => undefined);
  } else analyse(NEW_AGENT_YAML, {});
  return session;
}

/** Prepares the editor of one agent (or of a new one); idempotent while that session is prepared or open. */
export function prepareAgentEditor(workspaceId: string, agentId?: string): void {
  void preloadAgentEditor().catch(() => undefined);
  const key = keyOf(workspaceId, agentId);
  if (active === key || (prepared?.key === key && Date.now() - prepared.at < FRESH_MS)) return;
  prepared?.session.dispose();
  prepared = { key, at: Date.now(), session: createSession(workspaceId, agentId) };
}

/**
 * Takes the prepared session of this agent (a new one when there is none, or it is stale) for an editor that is
 * opening; `releasePreparedEditor` when that editor closes.
 */
export function takePreparedEditor(workspaceId: string, agentId?: string): PreparedEditor {
  const key = keyOf(workspaceId, agentId);
  let session: PreparedEditor;
  if (prepared?.key === key && Date.now() - prepared.at < FRESH_MS) session = prepared.session;
  else {
    prepared?.session.dispose();
    session = createSession(workspaceId, agentId);
  }
  prepared = undefined;
  active = key;
  return session;
}

export function releasePreparedEditor(workspaceId: string, agentId?: string): void {
  if (active === keyOf(workspaceId, agentId)) active = undefined;
}

/** Props for a link or button that opens the editor of an agent (or a new one): prepare it on pointer over or focus. */
export function preloadEditorOnIntent(workspaceId: string, agentId?: string) {
  return {
    onPointerEnter: () => prepareAgentEditor(workspaceId, agentId),
    onFocus: () => prepareAgentEditor(workspaceId, agentId),
  } as const;
}
