import { useEffect, useState } from 'react';
import { api, describeError } from '../api/client';
import type { AgentConfiguration, AgentRun, Block, RunProgress } from '../api/types';
import { OutputView } from '../agents/OutputView';
import { shortRunId } from '../agents/RunsScreen';
import { Link } from '../app/Sidebar';
import { useCapabilities } from '../capabilities';
import { timeAgo } from '../hooks';
import { realtime } from '../realtime';
import { navigate, paths } from '../router';
import { preloadEditorOnIntent } from '../editor/preload';

interface SnippetContent {
  title?: string;
  status?: string;
  markdown?: string;
  data?: unknown;
  error?: { message?: string; step?: string; line?: number; col?: number } | string;
}

/**
 * An agent's output on the page: the configuration's name, a Run button with live progress (step n of m), the
 * latest output rendered by shape, who wrote it and when, and earlier outputs. Blocks written by an agent through
 * the API (no configuration attached) show their content the same way.
 */
export function AgentSnippetBody({ block, canEdit }: { block: Block; canEdit: boolean }) {
  const caps = useCapabilities();
  const content = (block.content ?? {}) as SnippetContent;
  const w = block.workspaceId;
  const [agent, setAgent] = useState<AgentConfiguration | null>(null);
  const [progress, setProgress] = useState<RunProgress | null>(null);
  const [run, setRun] = useState<AgentRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [history, setHistory] = useState<AgentRun[] | null>(null);

  useEffect(() => {
    if (!block.agentConfigId || !caps?.agents) return;
    let live = true;
    const load = () =>
      api
        .get<{ agent: AgentConfiguration }>(`/api/workspaces/${w}/agents/${block.agentConfigId}`)
        .then((b) => live && setAgent(b.agent))
        .catch((e: unknown) => live && setError(describeError(e)));
    void load();
    const socket = realtime();
    const onStep = (p: RunProgress) => p.agentId === block.agentConfigId && setProgress(p);
    const onFinished = ({ run: r }: { run: AgentRun }) => {
      if (r.agentId !== block.agentConfigId) return;
      setProgress(null);
      setRun(r);
      void load();
    };
    socket.on('run:step', onStep);
    socket.on('run:finished', onFinished);
    return () => {
      live = false;
      socket.off('run:step', onStep);
      socket.off('run:finished', onFinished);
    };
  }, [block.agentConfigId, caps?.agents, w]);

  async function start() {
    if (!agent) return;
    setError(null);
    try {
      const body = await api.post<{ run: AgentRun }>(`/api/workspaces/${w}/agents/${agent.id}/runs`, {});
      setRun(body.run);
      setProgress({
        runId: body.run.id,
        agentId: agent.id,
        agentName: agent.name,
        node: '',
        step: '',
        index: 0,
        total: 0,
        elapsedMs: 0,
      });
    } catch (e) {
      setError(describeError(e));
    }
  }

  async function loadHistory() {
    if (!agent) return;
    try {
      const body = await api.get<{ runs: AgentRun[] }>(
        `/api/workspaces/${w}/runs?agentId=${agent.id}&status=succeeded&limit=10`,
      );
      setHistory(body.runs);
    } catch (e) {
      setError(describeError(e));
    }
  }

  // The agent's latest output (newest successful run) when it is newer than what the block holds.
  const latest = agent?.latestOutput;
  const useLatest = latest && Date.parse(latest.at) > Date.parse(block.updatedAt);
  const data = useLatest ? latest.value : content.data;
  const status =
    run && run.status === 'failed'
      ? 'failed'
      : progress
        ? 'running'
        : (content.status ?? (data !== undefined ? 'succeeded' : 'idle'));
  // A failure: from the run this page started, else what the agent wrote (data.error, or its markdown).
  const written = (content.data as { error?: SnippetContent['error'] } | undefined)?.error ?? content.error;
  const failure =
    run?.status === 'failed'
      ? run.error
      : typeof written === 'string'
        ? { message: written }
        : (written ?? (content.markdown ? { message: content.markdown } : undefined));
  const writtenBy = useLatest ? latest.runId : block.writtenByRunId;
  const writtenAt = useLatest ? latest.at : block.updatedAt;

  return (
    <div className="snippet">
      <header className="snippet-header">
        <h3 className="snippet-title">{agent?.name ?? content.title ?? 'Agent output'}</h3>
        <span className={`status status-${status}`}>{status}</span>
      </header>
      {agent && content.title && content.title !== agent.name && <p className="hint">{content.title}</p>}
      {block.agentConfigId && caps && (
        <div className="snippet-actions">
          {caps.runs ? (
            canEdit && (
              <button type="button" className="primary" onClick={() => void start()} disabled={Boolean(progress)}>
                Run {agent?.name ?? 'agent'}
              </button>
            )
          ) : (
            <span className="hint">
              Running agents from the page needs the server's runs API (not on this server yet).
            </span>
          )}
          {agent && canEdit && (
            <a
              className="button"
              href={paths.agentEditor(w, agent.id)}
              onClick={(e) => {
                if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                e.preventDefault();
                navigate(paths.agentEditor(w, agent.id));
              }}
              {...preloadEditorOnIntent(w, agent.id)}
              aria-label={`Edit agent ${agent.name}`}
            >
              Edit agent
            </a>
          )}
          {progress && (
            <span role="status" className="progress">
              {progress.total > 0
                ? `Step ${progress.index} of ${progress.total}${progress.step ? `: ${progress.step}` : ''}`
                : 'Queued…'}
            </span>
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {status === 'failed' && failure ? (
        <p role="alert" className="error">
          {failure.message ?? 'The run failed.'}
          {failure.step && (
            <>
              {' '}
              (
              {run ? (
                <Link href={`${paths.runs(w, run.id)}#step-${failure.step}`}>step {failure.step}</Link>
              ) : (
                `step ${failure.step}`
              )}
              {failure.line ? `, line ${failure.line}:${failure.col ?? 1}` : ''})
            </>
          )}
        </p>
      ) : (
        <OutputView
          data={data}
          markdown={useLatest ? undefined : content.markdown}
          title={agent?.name ?? content.title}
        />
      )}
      {(writtenBy || data !== undefined) && (
        <p className="hint written-by">
          {writtenBy ? (
            caps?.runs && /^[0-9a-f-]{36}$/.test(writtenBy) ? (
              <>
                Written by run <Link href={paths.runs(w, writtenBy)}>#{shortRunId(writtenBy)}</Link>,{' '}
                {timeAgo(writtenAt)}
              </>
            ) : (
              `Written by run #${shortRunId(writtenBy)}, ${timeAgo(writtenAt)}`
            )
          ) : (
            `Updated ${timeAgo(writtenAt)}`
          )}
        </p>
      )}
      {agent && caps?.runs && (
        <details onToggle={(e) => (e.currentTarget.open && !history ? void loadHistory() : undefined)}>
          <summary>Earlier outputs</summary>
          {history === null ? (
            <p role="status">Loading…</p>
          ) : history.length === 0 ? (
            <p className="empty">No earlier runs.</p>
          ) : (
            <ul className="plain-list">
              {history.map((r) => (
                <li key={r.id}>
                  <Link href={paths.runs(w, r.id)}>Run #{shortRunId(r.id)}</Link>,{' '}
                  {timeAgo(r.finishedAt ?? r.createdAt)}
                </li>
              ))}
            </ul>
          )}
        </details>
      )}
    </div>
  );
}
