import { useEffect, useRef, useState } from 'react';
import { api, describeError } from '../api/client';
import type { AgentConfiguration, AgentRun, RunProgress } from '../api/types';
import { liveStepRows, type StepRow } from './run-progress';
import { realtime } from '../realtime';

interface DeclaredInput {
  type?: string;
  default?: unknown;
  enum?: unknown[];
  description?: string;
}

function inputText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
function inputValue(text: string, declared: DeclaredInput | undefined): unknown {
  if (declared?.type === 'number' || declared?.type === 'integer') return Number(text);
  if (declared?.type === 'boolean') return text === 'true';
  if (declared?.type === 'array' || declared?.type === 'object') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text.split(',').map((s) => s.trim());
    }
  }
  return text;
}

/**
 * Runs the saved agent with the inputs entered here and shows each step live (run:step events), then the run's
 * step log (status, duration, items, tokens). A failed step jumps to its YAML.
 */
export function RunPanel({
  workspaceId,
  agent,
  declared,
  unsaved,
  onRevealStep,
}: {
  workspaceId: string;
  agent: AgentConfiguration;
  declared: Record<string, DeclaredInput>;
  unsaved: boolean;
  onRevealStep: (step: string) => void;
}) {
  const [inputs, setInputs] = useState<Record<string, string>>(() =>
    Object.fromEntries(Object.keys(declared).map((k) => [k, inputText(agent.inputs[k] ?? declared[k]?.default)])),
  );
  const [runId, setRunId] = useState<string | null>(null);
  const [progress, setProgress] = useState<RunProgress[]>([]);
  const [run, setRun] = useState<AgentRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Events can arrive before the POST answers: keep them all, show the run's.
  const seen = useRef<RunProgress[]>([]);
  const runIdRef = useRef<string | null>(null);

  useEffect(() => {
    const socket = realtime();
    const onStep = (p: RunProgress) => {
      if (p.agentId !== agent.id) return;
      seen.current.push(p);
      if (p.runId === runIdRef.current) setProgress(seen.current.filter((e) => e.runId === p.runId));
    };
    const onFinished = ({ run: finished }: { run: AgentRun }) => {
      if (finished.id === runIdRef.current) setRun(finished);
    };
    socket.on('run:step', onStep);
    socket.on('run:finished', onFinished);
    return () => {
      socket.off('run:step', onStep);
      socket.off('run:finished', onFinished);
    };
  }, [agent.id]);

  async function start() {
    setError(null);
    setRun(null);
    setProgress([]);
    try {
      const body = await api.post<{ run: AgentRun }>(`/api/workspaces/${workspaceId}/agents/${agent.id}/runs`, {
        inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, inputValue(v, declared[k])])),
      });
      runIdRef.current = body.run.id;
      setRunId(body.run.id);
      setProgress(seen.current.filter((e) => e.runId === body.run.id));
      // A run that finished before we listened: read it once.
      const current = await api.get<{ run: AgentRun }>(`/api/workspaces/${workspaceId}/runs/${body.run.id}`);
      if (['succeeded', 'failed', 'canceled'].includes(current.run.status)) setRun(current.run);
    } catch (e) {
      setError(describeError(e));
    }
  }

  // Live rows from the events (each names the step starting and how the one before it ended), replaced by the run's
  // step log once it has finished.
  const rows: StepRow[] = run
    ? run.steps.map((s) => ({
        node: s.node,
        step: s.step,
        status: s.status,
        durationMs: s.durationMs,
        items: s.items,
        tokens: s.usage?.totalTokens,
        error: s.error,
      }))
    : liveStepRows(progress);
  const total = progress[progress.length - 1]?.total;

  return (
    <section aria-labelledby="run-panel-title" className="editor-run">
      <h2 id="run-panel-title">Run</h2>
      <form
        className="inline-form"
        aria-label={`Run ${agent.name}`}
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        {Object.keys(declared).map((k) => (
          <label key={k}>
            Input {k}
            {declared[k]?.enum ? (
              <select value={inputs[k] ?? ''} onChange={(e) => setInputs({ ...inputs, [k]: e.target.value })}>
                {declared[k]!.enum!.map((v) => (
                  <option key={String(v)} value={String(v)}>
                    {String(v)}
                  </option>
                ))}
              </select>
            ) : (
              <input value={inputs[k] ?? ''} onChange={(e) => setInputs({ ...inputs, [k]: e.target.value })} />
            )}
          </label>
        ))}
        {unsaved && <p className="hint">Runs revision {agent.revision}, the saved one: save to run your changes.</p>}
        <button type="submit" className="primary">
          Run revision {agent.revision}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {runId && (
        <>
          <p role="status">
            Run {runId.slice(0, 8)}:{' '}
            <span className={`status status-${run?.status ?? 'running'}`}>{run?.status ?? 'running'}</span>
            {!run && total ? ` · step ${progress[progress.length - 1]!.index} of ${total}` : ''}
            {run?.error ? ` · ${run.error.message}` : ''}
          </p>
          <table className="data-table">
            <caption className="visually-hidden">Steps of the run</caption>
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col" className="num">
                  Items
                </th>
                <th scope="col" className="num">
                  Tokens
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.node} className={r.status === 'error' ? 'row-error' : undefined}>
                  <td>
                    {r.status === 'error' && r.step ? (
                      <button type="button" className="link-button" onClick={() => onRevealStep(r.step!)}>
                        {r.node}
                      </button>
                    ) : (
                      r.node
                    )}
                  </td>
                  <td>
                    {r.status}
                    {r.error ? `: ${r.error}` : ''}
                  </td>
                  <td className="num">{r.durationMs !== undefined ? `${Math.round(r.durationMs)} ms` : ''}</td>
                  <td className="num">{r.items ?? ''}</td>
                  <td className="num">{r.tokens ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
