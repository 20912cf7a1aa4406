import { useEffect, useState, type FormEvent } from 'react';
import { api, describeError } from '../api/client';
import type { AgentConfiguration, Brand, ConnectionBinding, Creator } from '../api/types';

interface DeclaredInput {
  type?: string;
  default?: unknown;
  enum?: unknown[];
  description?: string;
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
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    }
  }
  return text;
}

/**
 * The configuration around the YAML: its name and description in the workspace, the values of its inputs and what
 * each shopify/tiktok connection is bound to (a store, a creator or the sandbox). Saved as a new revision.
 */
export function DetailsPanel({
  workspaceId,
  agent,
  declaredInputs,
  connections,
  onSaved,
}: {
  workspaceId: string;
  agent: AgentConfiguration;
  declaredInputs: Record<string, DeclaredInput>;
  /** Declared connections that need a binding (name -> type). */
  connections: Record<string, string>;
  onSaved: (agent: AgentConfiguration) => void;
}) {
  const [name, setName] = useState(agent.name);
  const [description, setDescription] = useState(agent.description);
  const [inputs, setInputs] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      Object.keys(declaredInputs).map((k) => [k, inputText(agent.inputs[k] ?? declaredInputs[k]?.default)]),
    ),
  );
  const [bindings, setBindings] = useState<Record<string, string>>(() =>
    Object.fromEntries(Object.keys(connections).map((k) => [k, bindingKey(agent.bindings[k])])),
  );
  const [accounts, setAccounts] = useState<{ brands: Brand[]; creators: Creator[] }>({ brands: [], creators: [] });
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    let live = true;
    Promise.all([
      api.get<{ brands: Brand[] }>(`/api/workspaces/${workspaceId}/brands`),
      api.get<{ creators: Creator[] }>(`/api/workspaces/${workspaceId}/creators`),
    ])
      .then(([b, c]) => live && setAccounts({ brands: b.brands, creators: c.creators }))
      .catch((e: unknown) => live && setError(describeError(e)));
    return () => {
      live = false;
    };
  }, [workspaceId]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const body = await api.patch<{ agent: AgentConfiguration }>(`/api/workspaces/${workspaceId}/agents/${agent.id}`, {
        baseRevision: agent.revision,
        name: name.trim(),
        description: description.trim(),
        inputs: Object.fromEntries(
          Object.entries(inputs)
            .filter(([, v]) => v !== '')
            .map(([k, v]) => [k, inputValue(v, declaredInputs[k])]),
        ),
        bindings: Object.fromEntries(
          Object.entries(bindings)
            .map(([k, v]) => [k, bindingOf(v)] as const)
            .filter(([, v]) => v),
        ),
      });
      setSaved(true);
      onSaved(body.agent);
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <section aria-labelledby="details-title" className="editor-details">
      <h2 id="details-title">Details</h2>
      <form className="inline-form" onSubmit={save} aria-label="Agent details">
        <label>
          Name in this workspace
          <input value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Description
          <textarea rows={2} value={description} maxLength={2000} onChange={(e) => setDescription(e.target.value)} />
        </label>
        {Object.keys(declaredInputs).map((k) => (
          <label key={k}>
            Value of input {k}
            {declaredInputs[k]?.enum ? (
              <select value={inputs[k] ?? ''} onChange={(e) => setInputs({ ...inputs, [k]: e.target.value })}>
                {declaredInputs[k]!.enum!.map((v) => (
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
        {Object.entries(connections).map(([k, type]) => (
          <label key={k}>
            Connection “{k}” ({type})
            <select value={bindings[k] ?? ''} onChange={(e) => setBindings({ ...bindings, [k]: e.target.value })}>
              <option value="">Choose…</option>
              <option value="sandbox">Sandbox (built-in emulators)</option>
              {type === 'shopify' &&
                accounts.brands.map((b) => (
                  <option key={b.id} value={`brand:${b.id}`}>
                    Shopify: {b.name}
                  </option>
                ))}
              {type === 'tiktok' &&
                accounts.creators.map((c) => (
                  <option key={c.id} value={`creator:${c.id}`}>
                    TikTok: {c.name}
                  </option>
                ))}
            </select>
          </label>
        ))}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {saved && <p role="status">Details saved as revision {agent.revision}.</p>}
        <button type="submit" className="primary">
          Save details
        </button>
      </form>
    </section>
  );
}
