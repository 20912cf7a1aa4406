import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, api, describeError } from '../api/client';
import type { AgentConfiguration, AgentUpdate, Brand, ConnectionBinding, Creator } from '../api/types';
import { Link } from '../app/Sidebar';
import { useWorkspace } from '../app/workspace-context';
import { Unavailable, useCapabilities } from '../capabilities';
import { AGENT_DRAG_TYPE } from '../canvas/agent-drop';
import { timeAgo, useLoad } from '../hooks';
import { navigate, paths } from '../router';
import { preloadEditorOnIntent } from '../editor/preload';
import { realtime } from '../realtime';
import { parse as parseYaml } from 'yaml';

interface DeclaredInput {
  type?: string;
  default?: unknown;
  enum?: unknown[];
  description?: string;
}

/** The inputs an agent declares (spec.inputs of its YAML), for the configuration form. */
function declaredInputs(yamlText: string): Record<string, DeclaredInput> {
  try {
    const doc = parseYaml(yamlText) as { spec?: { inputs?: Record<string, DeclaredInput> } } | null;
    return doc?.spec?.inputs ?? {};
  } catch {
    return {};
  }
}

function bindingKey(b: ConnectionBinding | undefined): string {
  if (!b) return '';
  if ('brandId' in b) return `brand:${b.brandId}`;
  if ('creatorId' in b) return `creator:${b.creatorId}`;
  return 'sandbox';
}
function bindingOf(key: string): ConnectionBinding | undefined {
  if (key === 'sandbox') return { sandbox: true };
  const [kind, id] = key.split(':');
  if (kind === 'brand' && id) return { brandId: id };
  if (kind === 'creator' && id) return { creatorId: id };
  return undefined;
}

function inputText(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ');
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
/** Reads a form value back with the type the input had (numbers stay numbers, lists stay lists). */
function inputValue(text: string, like: unknown): unknown {
  if (typeof like === 'number') return Number(text);
  if (typeof like === 'boolean') return text === 'true';
  if (Array.isArray(like))
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return text;
}

/** Connection bindings: a store, a creator or the sandbox for each connection the agent declares. */
function BindingFields(props: {
  names: string[];
  values: Record<string, string>;
  onChange: (name: string, key: string) => void;
  brands: Brand[];
  creators: Creator[];
}) {
  return (
    <>
      {props.names.map((name) => (
        <label key={name}>
          Connection “{name}”
          <select value={props.values[name] ?? ''} onChange={(e) => props.onChange(name, e.target.value)} required>
            <option value="">Choose…</option>
            <option value="sandbox">Sandbox (built-in emulators)</option>
            {props.brands.map((b) => (
              <option key={b.id} value={`brand:${b.id}`}>
                Shopify: {b.name}
              </option>
            ))}
            {props.creators.map((c) => (
              <option key={c.id} value={`creator:${c.id}`}>
                TikTok: {c.name}
              </option>
            ))}
          </select>
        </label>
      ))}
    </>
  );
}

/** Connection names the server says need a binding (422 invalid_bindings names each as bindings.<name>). */
function missingBindings(error: unknown): string[] {
  if (!(error instanceof ApiError) || error.code !== 'invalid_bindings') return [];
  return error.fields.map((f) => /^bindings\.([^.]+)/.exec(f.path)?.[1]).filter((n): n is string => Boolean(n));
}

function AgentCard({
  agent,
  update,
  brands,
  creators,
  onChanged,
}: {
  agent: AgentConfiguration;
  update: AgentUpdate | undefined;
  brands: Brand[];
  creators: Creator[];
  onChanged: () => void;
}) {
  const { workspace } = useWorkspace();
  const [configuring, setConfiguring] = useState(false);
  const [inputs, setInputs] = useState<Record<string, string>>({});
  const [bindings, setBindings] = useState<Record<string, string>>({});
  const [budgets, setBudgets] = useState({ tokens: '', usd: '' });
  const [error, setError] = useState<string | null>(null);

  const declared = declaredInputs(agent.yaml);
  const likeOf = (k: string) =>
    agent.inputs[k] ??
    declared[k]?.default ??
    (declared[k]?.type === 'number' || declared[k]?.type === 'integer' ? 0 : declared[k]?.type === 'array' ? [] : '');

  function open() {
    const names = [...new Set([...Object.keys(declared), ...Object.keys(agent.inputs)])];
    setInputs(Object.fromEntries(names.map((k) => [k, inputText(agent.inputs[k] ?? declared[k]?.default)])));
    setBindings(Object.fromEntries(Object.entries(agent.bindings).map(([k, v]) => [k, bindingKey(v)])));
    setBudgets({ tokens: agent.tokenBudget?.toString() ?? '', usd: agent.usdBudget?.toString() ?? '' });
    setConfiguring(true);
    setError(null);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await api.patch(`/api/workspaces/${workspace.id}/agents/${agent.id}`, {
        baseRevision: agent.revision,
        inputs: Object.fromEntries(
          Object.entries(inputs)
            .filter(([k, v]) => v !== '' || k in agent.inputs)
            .map(([k, v]) => [k, inputValue(v, likeOf(k))]),
        ),
        bindings: Object.fromEntries(
          Object.entries(bindings)
            .map(([k, v]) => [k, bindingOf(v)] as const)
            .filter(([, v]) => v),
        ),
        // Empty means no limit of the agent's own (the workspace's per-run budgets still apply).
        tokenBudget: budgets.tokens.trim() === '' ? null : Number(budgets.tokens),
        usdBudget: budgets.usd.trim() === '' ? null : Number(budgets.usd),
      });
      setConfiguring(false);
      onChanged();
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <li
      className="agent-card-item card"
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData(AGENT_DRAG_TYPE, JSON.stringify({ agentId: agent.id, name: agent.name }));
        e.dataTransfer.effectAllowed = 'copy';
      }}
    >
      <h3>{agent.name}</h3>
      <p className="hint">
        {agent.displayName !== agent.name ? `${agent.displayName} · ` : ''}
        trigger {agent.trigger} · revision {agent.revision} ·{' '}
        {agent.suspended ? (
          <span className="status status-failed">suspended</span>
        ) : agent.enabled ? (
          'enabled'
        ) : (
          'disabled'
        )}
        {agent.tokenBudget !== null && ` · at most ${agent.tokenBudget.toLocaleString('en-US')} tokens per run`}
        {agent.usdBudget !== null && ` · at most $${agent.usdBudget} per run`}
      </p>
      {agent.suspended && (
        <p className="hint" role="status">
          Suspended: {agent.suspended.reason}.
        </p>
      )}
      {agent.description && <p>{agent.description}</p>}
      {update && (
        <p className="hint">
          From the Marketplace: {update.marketplaceAgent} v{update.installedVersion}
          {update.updateAvailable && (
            <>
              {' · '}
              <span className="status status-running">update available: v{update.latestVersion}</span>{' '}
              <Link href={paths.marketplace(workspace.id)}>Review the upgrade</Link>
            </>
          )}
        </p>
      )}
      <p className="hint">{agent.latestOutput ? `Last output ${timeAgo(agent.latestOutput.at)}` : 'No output yet'}</p>
      <div className="card-actions">
        <button type="button" onClick={open} aria-expanded={configuring}>
          Configure {agent.name}
        </button>
        <a
          className="button"
          href={paths.agentEditor(workspace.id, agent.id)}
          onClick={(e) => (e.preventDefault(), navigate(paths.agentEditor(workspace.id, agent.id)))}
          {...preloadEditorOnIntent(workspace.id, agent.id)}
          aria-label={`Edit agent ${agent.name}`}
        >
          Edit agent
        </a>
      </div>
      {configuring && (
        <form className="inline-form" onSubmit={save} aria-label={`Configure ${agent.name}`}>
          {Object.keys(inputs).map((k) => (
            <label key={k}>
              {k}
              {declared[k]?.enum ? (
                <select value={inputs[k]} onChange={(e) => setInputs({ ...inputs, [k]: e.target.value })}>
                  {declared[k]!.enum!.map((v) => (
                    <option key={String(v)} value={String(v)}>
                      {String(v)}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  value={inputs[k]}
                  type={typeof likeOf(k) === 'number' ? 'number' : 'text'}
                  onChange={(e) => setInputs({ ...inputs, [k]: e.target.value })}
                />
              )}
              {declared[k]?.description && <span className="hint">{declared[k]!.description}</span>}
            </label>
          ))}
          <label>
            Token budget per run
            <input
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              placeholder="no limit"
              value={budgets.tokens}
              onChange={(e) => setBudgets({ ...budgets, tokens: e.target.value })}
            />
            <span className="hint">Most LLM tokens one run may use; a run that needs more stops at that step.</span>
          </label>
          <label>
            USD budget per run
            <input
              type="number"
              min={0.000001}
              step="any"
              inputMode="decimal"
              placeholder="no limit"
              value={budgets.usd}
              onChange={(e) => setBudgets({ ...budgets, usd: e.target.value })}
            />
            <span className="hint">Most US dollars of model usage one run may cost.</span>
          </label>
          <BindingFields
            names={Object.keys(bindings)}
            values={bindings}
            brands={brands}
            creators={creators}
            onChange={(n, v) => setBindings({ ...bindings, [n]: v })}
          />
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="card-actions">
            <button type="submit" className="primary">
              Save configuration
            </button>
            <button type="button" onClick={() => setConfiguring(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </li>
  );
}

/**
 * The agents installed in the workspace: drag one onto a canvas page to add its snippet, configure its inputs and
 * connections, read its YAML; install a new one from YAML (the server's diagnostics are shown by line and column).
 */
export default function AgentShelf() {
  const caps = useCapabilities();
  const { workspace } = useWorkspace();
  const w = workspace.id;
  const data = useLoad(async () => {
    const capabilities = await import('../capabilities').then((m) => m.loadCapabilities());
    if (!capabilities.agents) return null;
    const [agents, brands, creators, updates] = await Promise.all([
      api.get<{ agents: AgentConfiguration[] }>(`/api/workspaces/${w}/agents`),
      api.get<{ brands: Brand[] }>(`/api/workspaces/${w}/brands`),
      api.get<{ creators: Creator[] }>(`/api/workspaces/${w}/creators`),
      capabilities.marketplace
        ? api.get<{ updates: AgentUpdate[] }>(`/api/workspaces/${w}/marketplace/updates`)
        : { updates: [] as AgentUpdate[] },
    ]);
    return { agents: agents.agents, brands: brands.brands, creators: creators.creators, updates: updates.updates };
  }, [w]);
  const [yaml, setYaml] = useState('');
  const [name, setName] = useState('');
  const [needs, setNeeds] = useState<string[]>([]);
  const [bindings, setBindings] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [diagnostics, setDiagnostics] = useState<Array<{ code: string; message: string; line?: number; col?: number }>>(
    [],
  );

  useEffect(() => setNeeds([]), [yaml]);
  // Agents change under the shelf too: another member's save, a suspension when a store uninstalls the app.
  useEffect(() => {
    const socket = realtime();
    const refresh = () => data.reload();
    socket.on('agent:changed', refresh);
    return () => {
      socket.off('agent:changed', refresh);
    };
  }, [data.reload]);

  async function install(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setDiagnostics([]);
    try {
      await api.post(`/api/workspaces/${w}/agents`, {
        yaml,
        ...(name.trim() ? { name: name.trim() } : {}),
        bindings: Object.fromEntries(
          Object.entries(bindings)
            .map(([k, v]) => [k, bindingOf(v)] as const)
            .filter(([, v]) => v),
        ),
      });
      setYaml('');
      setName('');
      setNeeds([]);
      setBindings({});
      data.reload();
    } catch (e) {
      const missing = missingBindings(e);
      if (missing.length > 0) {
        setNeeds(missing);
        setError('Choose what each connection of this agent uses, then install again.');
        return;
      }
      if (e instanceof ApiError && e.code === 'invalid_agent') {
        const list = (
          e.details as {
            diagnostics?: Array<{ code: string; message: string; range?: { start: { line: number; col: number } } }>;
          }
        )?.diagnostics;
        setDiagnostics(
          (list ?? []).map((d) => ({
            code: d.code,
            message: d.message,
            line: d.range?.start.line,
            col: d.range?.start.col,
          })),
        );
      }
      setError(describeError(e));
    }
  }

  if (caps && !caps.agents)
    return <Unavailable what="The Agent Shelf" needs="the agents API (installed agent configurations)" />;
  return (
    <section aria-labelledby="shelf-title">
      <h1 id="shelf-title">Agent Shelf</h1>
      <p className="hint">
        Drag an agent onto a canvas page to show its output there (or use “Add agent” on the page).
      </p>
      <p>
        <a
          className="button primary"
          href={paths.agentEditor(w)}
          onClick={(e) => (e.preventDefault(), navigate(paths.agentEditor(w)))}
          {...preloadEditorOnIntent(w)}
        >
          New agent
        </a>
      </p>
      {data.state === 'loading' && <p role="status">Loading agents…</p>}
      {data.state === 'error' && (
        <p role="alert" className="error">
          {data.error}
        </p>
      )}
      {data.state === 'ready' && data.data && (
        <>
          {data.data.agents.length === 0 ? (
            <p className="empty">No agents installed yet: install one from the Marketplace or from YAML below.</p>
          ) : (
            <ul className="cards agent-cards">
              {data.data.agents.map((a) => (
                <AgentCard
                  key={a.id}
                  agent={a}
                  update={data.data!.updates.find((u) => u.agentId === a.id)}
                  brands={data.data!.brands}
                  creators={data.data!.creators}
                  onChanged={data.reload}
                />
              ))}
            </ul>
          )}
          <form className="inline-form wide" onSubmit={install} aria-labelledby="install-title">
            <h2 id="install-title">Install an agent from YAML</h2>
            <label>
              Name in this workspace (optional)
              <input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
            </label>
            <label>
              Agent YAML
              <textarea required rows={10} value={yaml} onChange={(e) => setYaml(e.target.value)} spellCheck={false} />
            </label>
            <label>
              Or load a .yaml file
              <input
                type="file"
                accept=".yaml,.yml,text/yaml"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (file) void file.text().then(setYaml);
                }}
              />
            </label>
            <BindingFields
              names={needs}
              values={bindings}
              brands={data.data.brands}
              creators={data.data.creators}
              onChange={(n, v) => setBindings({ ...bindings, [n]: v })}
            />
            {error && (
              <div role="alert" className="error">
                <p>{error}</p>
                {diagnostics.length > 0 && (
                  <ul>
                    {diagnostics.map((d, i) => (
                      <li key={i}>
                        {d.line ? `line ${d.line}:${d.col ?? 1} ` : ''}
                        {d.code}: {d.message}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
            <button type="submit" className="primary">
              Install agent
            </button>
          </form>
        </>
      )}
    </section>
  );
}
