import { useState } from 'react';
import type { Diagnostic } from '@ionflux/dsl';
import { ApiError, api, describeError } from '../api/client';
import type { AgentConfiguration } from '../api/types';
import { DetailsPanel } from './DetailsPanel';
import { HistoryPanel } from './HistoryPanel';
import { ImportPanel } from './ImportPanel';
import { PublishPanel } from './PublishPanel';
import { RunPanel } from './RunPanel';

/** Diagnostics the server answered with (422 invalid_agent), in the DSL's shape. */
function serverDiagnostics(error: unknown): Diagnostic[] {
  if (!(error instanceof ApiError) || error.code !== 'invalid_agent') return [];
  return ((error.details as { diagnostics?: Diagnostic[] } | undefined)?.diagnostics ?? []).filter((d) => d.range);
}

type Tab = 'problems' | 'details' | 'history' | 'run' | 'publish' | 'import';

/**
 * Below the editor: Save (which shows the diagnostics instead of saving an invalid agent), and tabs for the problems
 * (each one jumps to its place), the revisions (diff, restore), a run with a live per-step view, and n8n import.
 */
export function EditorPanels({
  workspaceId,
  agent,
  text,
  diagnostics,
  hasErrors,
  onReveal,
  onSaved,
  onReplaceText,
  onRevealStep,
  declaredInputs,
  declaredConnections,
  canPublish,
}: {
  workspaceId: string;
  /** The user may publish for the workspace (admin or owner). */
  canPublish: boolean;
  agent: AgentConfiguration | null;
  text: string;
  diagnostics: Diagnostic[];
  hasErrors: boolean;
  onReveal: (d: Diagnostic) => void;
  onSaved: (agent: AgentConfiguration) => void;
  onReplaceText: (yaml: string) => void;
  onRevealStep: (step: string) => void;
  declaredInputs: Record<string, { type?: string; default?: unknown; enum?: unknown[] }>;
  /** Declared connections that are bound to an account (name -> type). */
  declaredConnections: Record<string, string>;
}) {
  const [tab, setTab] = useState<Tab>('problems');
  const [saveError, setSaveError] = useState<string | null>(null);
  const [serverProblems, setServerProblems] = useState<Diagnostic[]>([]);
  const [saving, setSaving] = useState(false);

  async function save() {
    setSaveError(null);
    setServerProblems([]);
    if (hasErrors) {
      setSaveError('Not saved: fix the errors listed under Problems first.');
      return;
    }
    setSaving(true);
    try {
      const saved = agent
        ? await api.patch<{ agent: AgentConfiguration }>(`/api/workspaces/${workspaceId}/agents/${agent.id}`, {
            baseRevision: agent.revision,
            yaml: text,
          })
        : await api.post<{ agent: AgentConfiguration }>(`/api/workspaces/${workspaceId}/agents`, { yaml: text });
      onSaved(saved.agent);
    } catch (error) {
      setServerProblems(serverDiagnostics(error));
      setSaveError(`Not saved: ${describeError(error)}`);
    } finally {
      setSaving(false);
    }
  }

  const problems = [...diagnostics, ...serverProblems];
  const tabs: Array<[Tab, string]> = [
    ['problems', `Problems (${problems.length})`],
    ...(agent
      ? ([
          ['details', 'Details'],
          ['history', 'History'],
          ['run', 'Run'],
          // Publishing is for the workspace's publishers: its admins.
          ...(canPublish ? [['publish', 'Publish'] as [Tab, string]] : []),
        ] as Array<[Tab, string]>)
      : []),
    ['import', 'Import n8n'],
  ];
  return (
    <div className="editor-panels">
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => void save()} disabled={saving}>
          {agent ? 'Save' : 'Create agent'}
        </button>
        {saveError && (
          <p role="alert" className="error">
            {saveError}
          </p>
        )}
      </div>
      <div role="tablist" aria-label="Editor panels" className="editor-tabs">
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === 'details' && agent && (
        <div role="tabpanel" id="panel-details" aria-labelledby="tab-details">
          <DetailsPanel
            key={agent.id}
            workspaceId={workspaceId}
            agent={agent}
            declaredInputs={declaredInputs}
            connections={declaredConnections}
            onSaved={onSaved}
          />
        </div>
      )}
      {tab === 'history' && agent && (
        <div role="tabpanel" id="panel-history" aria-labelledby="tab-history">
          <HistoryPanel
            workspaceId={workspaceId}
            agent={agent}
            text={text}
            onRestored={(restored) => {
              onSaved(restored);
              onReplaceText(restored.yaml);
            }}
          />
        </div>
      )}
      {tab === 'run' && agent && (
        <div role="tabpanel" id="panel-run" aria-labelledby="tab-run">
          <RunPanel
            workspaceId={workspaceId}
            agent={agent}
            declared={declaredInputs}
            unsaved={text !== agent.yaml}
            onRevealStep={onRevealStep}
          />
        </div>
      )}
      {tab === 'publish' && agent && canPublish && (
        <div role="tabpanel" id="panel-publish" aria-labelledby="tab-publish">
          <PublishPanel workspaceId={workspaceId} agent={agent} unsaved={text !== agent.yaml} />
        </div>
      )}
      {tab === 'import' && (
        <div role="tabpanel" id="panel-import" aria-labelledby="tab-import">
          <ImportPanel onImported={onReplaceText} />
        </div>
      )}
      <section
        aria-labelledby="problems-title"
        className="editor-problems"
        role="tabpanel"
        id="panel-problems"
        hidden={tab !== 'problems'}
      >
        <h2 id="problems-title">Problems ({problems.length})</h2>
        {problems.length === 0 ? (
          <p className="empty">No problems.</p>
        ) : (
          <ul className="plain-list">
            {problems.map((d, i) => (
              <li key={i} className={`problem problem-${d.severity}`}>
                <button type="button" className="link-button" onClick={() => onReveal(d)}>
                  line {d.range.start.line}:{d.range.start.col}
                </button>{' '}
                <code>{d.code}</code> {d.message}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
