/**
 * Starts loading the agent editor (its chunk with Monaco and React Flow, and its analysis worker) before it is
 * shown: on the intent to open it (a pointer over or focus on an "Edit agent" link) and when its route renders.
 * The chunk still loads only for people about to open the editor.
 */
let loading: Promise<typeof import('./EditorScreen')> | undefined;

export function preloadAgentEditor(): Promise<typeof import('./EditorScreen')> {
  loading ??= import('./EditorScreen').then((module) => {
    module.prewarmAgentWorker();
    return module;
  });
  // A failed load (offline for a moment) is retried by the next call.
  loading.catch(() => (loading = undefined));
  return loading;
}

/** Props for a link or button that opens the editor: preload on pointer over, focus, or press. */
export const preloadEditorOnIntent = {
  onPointerEnter: () => void preloadAgentEditor(),
  onFocus: () => void preloadAgentEditor(),
} as const;
