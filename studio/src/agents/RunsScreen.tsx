import { useEffect, useState, type FormEvent } from 'react';
import { api, describeError } from '../api/client';
import type { AgentConfiguration, AgentRun } from '../api/types';
import { Link } from '../app/Sidebar';
import { useWorkspace } from '../app/workspace-context';
import { Unavailable, useCapabilities } from '../capabilities';
import { timeAgo, useLoad } from '../hooks';
import { realtime } from '../realtime';
import { paths } from '../router';

export function shortRunId(id: string): string {
  return id.slice(0, 8);
}

export function duration(run: AgentRun): string {
  if (!run.startedAt) return '—';
  const end = run.finishedAt ? Date.parse(run.finishedAt) : Date.now();
  const ms = Math.max(0, end - Date.parse(run.startedAt));
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function RunPage({ runId }: { runId: string }) {
  const { workspace } = useWorkspace();
  const run = useLoad(
    () => api.get<{ run: AgentRun }>(`/api/workspaces/${workspace.id}/runs/${runId}`),
    [workspace.id, runId],
  );
  useEffect(() => {
    const socket = realtime();
    const refresh = ({ runId: id, run: r }: { runId?: string; run?: AgentRun }) => {
      if ((id ?? r?.id) === runId) run.reload();
    };
    socket.on('run:step', refresh);
    socket.on('run:finished', refresh);
    return () => {
      socket.off('run:step', refresh);
      socket.off('run:finished', refresh);
    };
  }, [runId, run.reload]);
  if (run.state === 'loading') return <p role="status">Loading run…</p>;
  if (run.state === 'error')
    return (
      <p role="alert" className="error">
        {run.error}
      </p>
    );
  const r = run.data.run;
  return (
    <section aria-labelledby="run-title">
      <h1 id="run-title">
        Run {shortRunId(r.id)} of {r.agentName ?? 'an agent'}
      </h1>
      <p>
        <span className={`status status-${r.status}`}>{r.status}</span> · trigger {r.trigger.kind} · {duration(r)}
        {r.usage ? ` · ${r.usage.totalTokens ?? 0} tokens · $${r.usage.estimatedCostUsd.toFixed(4)}` : ''}
      </p>
      {r.error && (
        <div role="alert" className="error-panel">
          <h2>What went wrong</h2>
          <p>{r.error.message}</p>
          {r.error.step && (
            <p>
              In step <a href={`#step-${r.error.step}`}>{r.error.step}</a>
              {r.error.line ? ` (line ${r.error.line}:${r.error.col ?? 1} of the agent YAML)` : ''}
            </p>
          )}
        </div>
      )}
      <h2>Steps</h2>
      <table className="data-table">
        <caption className="visually-hidden">Steps of the run</caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Node</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col" className="num">
              Items
            </th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {r.steps.map((s, i) => (
            <tr
              key={i}
              id={s.step ? `step-${s.step}` : undefined}
              className={s.status === 'error' ? 'row-error' : undefined}
            >
              <td>{s.step ?? '—'}</td>
              <td>{s.node}</td>
              <td>{s.status}</td>
              <td className="num">{Math.round(s.durationMs)} ms</td>
              <td className="num">{s.items}</td>
              <td>{s.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface RunBudgets {
  runTokenBudget: number | null;
  runUsdBudget: number | null;
}

const budgetText = (b: RunBudgets) =>
  [
    b.runTokenBudget === null ? 'no token budget' : `at most ${b.runTokenBudget.toLocaleString('en-US')} tokens`,
    b.runUsdBudget === null ? 'no USD budget' : `at most $${b.runUsdBudget}`,
  ].join(' and ') + ' per run';

/** The workspace's budgets per run: every run of every agent stops at the step that goes over them (admins set them). */
function WorkspaceRunBudgets() {
  const { workspace } = useWorkspace();
  const w = workspace.id;
  const isAdmin = workspace.role === 'owner' || workspace.role === 'admin';
  const settings = useLoad(() => api.get<RunBudgets>(`/api/workspaces/${w}/agent-settings`), [w]);
  const [editing, setEditing] = useState<{ tokens: string; usd: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (settings.state !== 'ready') return null;
  const current = settings.data;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!editing) return;
    setError(null);
    try {
      await api.put(`/api/workspaces/${w}/agent-settings`, {
        runTokenBudget: editing.tokens.trim() === '' ? null : Number(editing.tokens),
        runUsdBudget: editing.usd.trim() === '' ? null : Number(editing.usd),
      });
      setEditing(null);
      settings.reload();
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <section aria-labelledby="run-budgets-title" className="card">
      <h2 id="run-budgets-title">Budgets per run</h2>
      <p>
        This workspace: {budgetText(current)}. An agent's own budgets apply too; the tightest wins.
        {isAdmin && !editing && (
          <>
            {' '}
            <button
              type="button"
              onClick={() =>
                setEditing({
                  tokens: current.runTokenBudget?.toString() ?? '',
                  usd: current.runUsdBudget?.toString() ?? '',
                })
              }
            >
              Change budgets
            </button>
          </>
        )}
      </p>
      {editing && (
        <form className="inline-form" onSubmit={save} aria-label="Workspace budgets per run">
          <label>
            Workspace token budget per run
            <input
              type="number"
              min={1}
              step={1}
              placeholder="no limit"
              value={editing.tokens}
              onChange={(e) => setEditing({ ...editing, tokens: e.target.value })}
            />
          </label>
          <label>
            Workspace USD budget per run
            <input
              type="number"
              min={0.000001}
              step="any"
              placeholder="no limit"
              value={editing.usd}
              onChange={(e) => setEditing({ ...editing, usd: e.target.value })}
            />
          </label>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="card-actions">
            <button type="submit" className="primary">
              Save budgets
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Runs of the workspace (or of one agent): status, duration, trigger, tokens and cost; a run page per run. */
export default function RunsScreen({ runId }: { runId?: string }) {
  const caps = useCapabilities();
  const { workspace } = useWorkspace();
  const w = workspace.id;
  const [agentId, setAgentId] = useState('');
  const runs = useLoad(async () => {
    const c = await import('../capabilities').then((m) => m.loadCapabilities());
    if (!c.runs) return null;
    const [list, agents] = await Promise.all([
      api.get<{ runs: AgentRun[] }>(`/api/workspaces/${w}/runs?limit=100${agentId ? `&agentId=${agentId}` : ''}`),
      api.get<{ agents: AgentConfiguration[] }>(`/api/workspaces/${w}/agents`),
    ]);
    return { runs: list.runs, agents: agents.agents };
  }, [w, agentId]);
  useEffect(() => {
    const socket = realtime();
    const refresh = () => runs.reload();
    socket.on('run:queued', refresh);
    socket.on('run:finished', refresh);
    return () => {
      socket.off('run:queued', refresh);
      socket.off('run:finished', refresh);
    };
  }, [runs.reload]);

  if (caps && !caps.runs) return <Unavailable what="The run history" needs="the agent runs API" />;
  if (runId) return <RunPage runId={runId} />;
  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <WorkspaceRunBudgets />
      {runs.state === 'loading' && <p role="status">Loading runs…</p>}
      {runs.state === 'error' && (
        <p role="alert" className="error">
          {runs.error}
        </p>
      )}
      {runs.state === 'ready' && runs.data && (
        <>
          <label className="inline-label">
            Agent
            <select value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              <option value="">All agents</option>
              {runs.data.agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
          {runs.data.runs.length === 0 ? (
            <p className="empty">No runs yet.</p>
          ) : (
            <table className="data-table">
              <caption className="visually-hidden">Runs</caption>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Status</th>
                  <th scope="col">Trigger</th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                  <th scope="col" className="num">
                    Tokens
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.runs.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link href={paths.runs(w, r.id)}>{shortRunId(r.id)}</Link>
                    </td>
                    <td>{r.agentName ?? runs.data!.agents.find((a) => a.id === r.agentId)?.name ?? r.agentId}</td>
                    <td>
                      <span className={`status status-${r.status}`}>{r.status}</span>
                    </td>
                    <td>{r.trigger.kind}</td>
                    <td className="num">{duration(r)}</td>
                    <td className="num">{r.usage?.totalTokens ?? 0}</td>
                    <td className="num">{r.usage ? `$${r.usage.estimatedCostUsd.toFixed(4)}` : '—'}</td>
                    <td>{timeAgo(r.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
