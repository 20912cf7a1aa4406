import { useEffect, useRef, useState } from 'react';
import { api, describeError } from '../api/client';
import type { AgentConfiguration } from '../api/types';
import { timeAgo } from '../hooks';
import { monaco, startHelperWorkers } from './monaco-setup';

export interface AgentRevision {
  agentId: string;
  revision: number;
  yaml: string;
  restoredFrom: number | null;
  createdAt: string;
}

/** Monaco's side-by-side diff editor: a saved revision (left) against the YAML being edited (right). */
function RevisionDiff({ original, modified, label }: { original: string; modified: string; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const models = useRef<{ left: monaco.editor.ITextModel; right: monaco.editor.ITextModel } | null>(null);
  // One diff editor for the panel's life: later texts go into its models (re-creating it mid-diff breaks Monaco).
  useEffect(() => {
    const left = monaco.editor.createModel('', 'yaml');
    const right = monaco.editor.createModel('', 'yaml');
    models.current = { left, right };
    // The diff is computed in Monaco's editor worker: someone asked for it, it starts now (monaco-setup.ts).
    startHelperWorkers();
    const diff = monaco.editor.createDiffEditor(ref.current!, {
      readOnly: true,
      originalEditable: false,
      automaticLayout: true,
      renderSideBySide: true,
      minimap: { enabled: false },
      editContext: false,
      renderFinalNewline: 'on',
      ariaLabel: label,
      originalAriaLabel: `${label}: the saved revision`,
      modifiedAriaLabel: `${label}: the YAML in the editor`,
    });
    diff.setModel({ original: left, modified: right });
    // The construction options' side labels do not reach the sides' text areas: set them on each side.
    diff.getOriginalEditor().updateOptions({ ariaLabel: `${label}: the saved revision` });
    diff.getModifiedEditor().updateOptions({ ariaLabel: `${label}: the YAML in the editor` });
    return () => {
      models.current = null;
      diff.setModel(null);
      diff.dispose();
      left.dispose();
      right.dispose();
    };
  }, [label]);
  useEffect(() => {
    if (models.current && models.current.left.getValue() !== original) models.current.left.setValue(original);
    if (models.current && models.current.right.getValue() !== modified) models.current.right.setValue(modified);
  }, [original, modified, label]);
  return <div className="revision-diff" ref={ref} />;
}

/**
 * The agent's saved revisions, newest first: compare one with the YAML being edited (Monaco's diff editor) or
 * restore it (saved as a new revision by the server; the editor takes its YAML as one undoable edit).
 */
export function HistoryPanel({
  workspaceId,
  agent,
  text,
  onRestored,
}: {
  workspaceId: string;
  agent: AgentConfiguration;
  text: string;
  onRestored: (agent: AgentConfiguration) => void;
}) {
  const [revisions, setRevisions] = useState<AgentRevision[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [comparing, setComparing] = useState<AgentRevision | null>(null);
  const base = `/api/workspaces/${workspaceId}/agents/${agent.id}`;

  useEffect(() => {
    let live = true;
    api
      .get<{ revisions: AgentRevision[] }>(`${base}/revisions`)
      .then((body) => live && setRevisions(body.revisions))
      .catch((e: unknown) => live && setError(describeError(e)));
    return () => {
      live = false;
    };
  }, [base, agent.revision]);

  async function restore(revision: AgentRevision) {
    setError(null);
    try {
      const body = await api.post<{ agent: AgentConfiguration }>(`${base}/revisions/${revision.revision}/restore`, {
        baseRevision: agent.revision,
      });
      setComparing(null);
      onRestored(body.agent);
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <section aria-labelledby="history-title" className="editor-history">
      <h2 id="history-title">Revisions</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!revisions && !error && <p role="status">Loading revisions…</p>}
      {revisions && (
        <ul className="plain-list">
          {revisions.map((r) => (
            <li key={r.revision}>
              <strong>Revision {r.revision}</strong>{' '}
              <span className="hint">
                {timeAgo(r.createdAt)}
                {r.restoredFrom ? ` · restored from ${r.restoredFrom}` : ''}
                {r.revision === agent.revision ? ' · current' : ''}
              </span>{' '}
              <button type="button" onClick={() => setComparing(comparing?.revision === r.revision ? null : r)}>
                {comparing?.revision === r.revision ? 'Close diff' : `Compare revision ${r.revision}`}
              </button>{' '}
              {r.revision !== agent.revision && (
                <button type="button" onClick={() => void restore(r)}>
                  Restore revision {r.revision}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {comparing && (
        <>
          <p className="hint">Revision {comparing.revision} (left) and the YAML in the editor (right).</p>
          <RevisionDiff
            original={comparing.yaml}
            modified={text}
            label={`Revision ${comparing.revision} compared with the editor`}
          />
        </>
      )}
    </section>
  );
}
