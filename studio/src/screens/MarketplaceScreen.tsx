import { useEffect, useState, type FormEvent } from 'react';
import { parse as parseYaml } from 'yaml';
import { ApiError, api, describeError, query } from '../api/client';
import type {
  AgentConfiguration,
  AgentUpdate,
  Brand,
  ConnectionBinding,
  Creator,
  MarketplaceAgentDetail,
  MarketplaceAgentSummary,
  Pricing,
  Rental,
  UpgradeDiff,
} from '../api/types';
import { Link } from '../app/Sidebar';
import { useWorkspace } from '../app/workspace-context';
import { Unavailable, useCapabilities } from '../capabilities';
import { Markdown } from '../components/Markdown';
import { timeAgo, useLoad } from '../hooks';
import { navigate, paths } from '../router';

const CATEGORIES = ['commerce', 'marketing', 'creators', 'analytics', 'operations', 'support', 'productivity'];
const CONNECTION_TYPES: Array<[string, string]> = [
  ['shopify', 'Shopify'],
  ['tiktok', 'TikTok'],
  ['llm', 'Language model'],
  ['pinecone', 'Pinecone'],
];

/** "$9.00 / month" or "Free", from minor units (the currency's own number of decimals). */
export function priceText(pricing: Pricing): string {
  if (pricing.model === 'free') return 'Free';
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: pricing.currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return `${format.format(pricing.priceMinor / 10 ** digits)} / month`;
}

function moneyMinor(amountMinor: number, currency: string): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  return format.format(amountMinor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/**
 * The Marketplace: the catalog (search, filters, sort), the agents installed from it with their available updates,
 * and one agent's page (readme, permissions in plain words, versions, install, rent).
 */
export default function MarketplaceScreen({ agentName }: { agentName?: string }) {
  const caps = useCapabilities();
  if (caps && !caps.marketplace)
    return (
      <section aria-labelledby="market-title">
        <h1 id="market-title">Marketplace</h1>
        <Unavailable what="The Marketplace" needs="the agent catalog API (definitions, versions, installs)" />
      </section>
    );
  return agentName ? <AgentPage name={agentName} /> : <Catalog />;
}

function Catalog() {
  const { workspace } = useWorkspace();
  const w = workspace.id;
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');
  const [price, setPrice] = useState('');
  const [connection, setConnection] = useState('');
  const [sort, setSort] = useState('relevance');

  // Search as the person types, once they pause.
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);

  const catalog = useLoad(
    async () => ({
      q,
      ...(await api.get<{ agents: MarketplaceAgentSummary[]; total: number }>(
        `/api/marketplace/agents${query({
          q: q || undefined,
          category: category || undefined,
          price: price || undefined,
          connection: connection || undefined,
          sort: sort === 'relevance' && !q ? 'installs' : sort,
          limit: 60,
        })}`,
      )),
    }),
    [q, category, price, connection, sort],
  );
  const updates = useLoad(() => api.get<{ updates: AgentUpdate[] }>(`/api/workspaces/${w}/marketplace/updates`), [w]);

  return (
    <section aria-labelledby="market-title">
      <h1 id="market-title">Marketplace</h1>
      <p className="hint">Agents shared by publishers, signed and checked at every install.</p>
      <Updates updates={updates} />
      <form role="search" className="market-filters" onSubmit={(e: FormEvent) => (e.preventDefault(), setQ(text))}>
        <label>
          Search the Marketplace
          <input
            type="search"
            value={text}
            maxLength={200}
            placeholder="revenue, tiktok, -email…"
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <label>
          Category
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">All categories</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Price
          <select value={price} onChange={(e) => setPrice(e.target.value)}>
            <option value="">Free and paid</option>
            <option value="free">Free</option>
            <option value="paid">Paid</option>
          </select>
        </label>
        <label>
          Connects to
          <select value={connection} onChange={(e) => setConnection(e.target.value)}>
            <option value="">Anything</option>
            {CONNECTION_TYPES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort by
          <select value={sort} onChange={(e) => setSort(e.target.value)}>
            <option value="relevance">Relevance</option>
            <option value="installs">Installs</option>
            <option value="newest">Newest</option>
            <option value="name">Name</option>
          </select>
        </label>
      </form>
      {catalog.state === 'loading' && <p role="status">Loading the catalog…</p>}
      {catalog.state === 'error' && (
        <p role="alert" className="error">
          {catalog.error}
        </p>
      )}
      {catalog.state === 'ready' && (
        <>
          <p role="status" className="hint">
            {catalog.data.total === 1 ? '1 agent' : `${catalog.data.total} agents`}
            {catalog.data.q ? ` for “${catalog.data.q}”` : ''}
          </p>
          {catalog.data.agents.length === 0 ? (
            <p className="empty">No agent matches: try other words or fewer filters.</p>
          ) : (
            <ul className="cards market-cards" aria-label="Marketplace agents">
              {catalog.data.agents.map((a) => (
                <AgentSummaryCard key={a.name} agent={a} href={paths.marketplace(w, a.name)} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function AgentSummaryCard({ agent, href }: { agent: MarketplaceAgentSummary; href: string }) {
  return (
    <li className="card market-card" aria-label={agent.displayName}>
      <h2 className="market-card-title">
        {agent.icon && <span aria-hidden="true">{agent.icon} </span>}
        <Link href={href}>{agent.displayName}</Link>
      </h2>
      <p className="hint">
        by {agent.publisher.name}
        {agent.publisher.verified && <span className="verified"> ✓ verified</span>} · v{agent.latestVersion ?? '—'}
      </p>
      {agent.description && <p>{agent.description}</p>}
      <ul className="tags" aria-label="Tags">
        <li className="tag tag-category">{agent.category}</li>
        {agent.tags.map((t) => (
          <li key={t} className="tag">
            {t}
          </li>
        ))}
      </ul>
      <p className="market-facts">
        <span className={agent.pricing.model === 'free' ? 'price free' : 'price'}>{priceText(agent.pricing)}</span>
        <span>{agent.installs === 1 ? '1 install' : `${agent.installs} installs`}</span>
      </p>
    </li>
  );
}

/** Agents of this workspace installed from the Marketplace, with "update available" and the upgrade review. */
function Updates({ updates }: { updates: ReturnType<typeof useLoad<{ updates: AgentUpdate[] }>> }) {
  const [reviewing, setReviewing] = useState<string | null>(null);
  if (updates.state !== 'ready' || updates.data.updates.length === 0) return null;
  return (
    <section aria-labelledby="installed-title" className="market-installed">
      <h2 id="installed-title">Installed from the Marketplace</h2>
      <ul className="plain-list">
        {updates.data.updates.map((u) => (
          <li key={u.agentId}>
            <strong>{u.name}</strong> <span className="hint">({u.marketplaceAgent})</span> v{u.installedVersion}{' '}
            {u.updateAvailable ? (
              <>
                <span className="status status-running">update available: v{u.latestVersion}</span>{' '}
                <button
                  type="button"
                  aria-expanded={reviewing === u.agentId}
                  onClick={() => setReviewing(reviewing === u.agentId ? null : u.agentId)}
                >
                  Review upgrade of {u.name}
                </button>
                {reviewing === u.agentId && (
                  <UpgradeReview
                    update={u}
                    onDone={() => {
                      setReviewing(null);
                      updates.reload();
                    }}
                  />
                )}
              </>
            ) : (
              <span className="status status-succeeded">up to date</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function DiffText({ text }: { text: string }) {
  return (
    <pre className="diff" tabIndex={0} aria-label="Changes to the agent's YAML">
      {text.split('\n').map((line, i) => (
        <span
          key={i}
          className={
            line.startsWith('+') && !line.startsWith('+++')
              ? 'diff-add'
              : line.startsWith('-') && !line.startsWith('---')
                ? 'diff-del'
                : undefined
          }
        >
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

/** The upgrade's diff first (what changes, what it may newly do, what is kept); then the upgrade on confirmation. */
function UpgradeReview({ update, onDone }: { update: AgentUpdate; onDone: () => void }) {
  const { workspace } = useWorkspace();
  const w = workspace.id;
  const diff = useLoad(
    () => api.post<{ diff: UpgradeDiff }>(`/api/workspaces/${w}/agents/${update.agentId}/upgrade`, {}),
    [w, update.agentId],
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function confirm() {
    if (diff.state !== 'ready') return;
    setError(null);
    setBusy(true);
    try {
      const { agent } = await api.get<{ agent: AgentConfiguration }>(`/api/workspaces/${w}/agents/${update.agentId}`);
      await api.post(`/api/workspaces/${w}/agents/${update.agentId}/upgrade`, {
        version: diff.data.diff.toVersion,
        confirm: true,
        baseRevision: agent.revision,
      });
      onDone();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  if (diff.state === 'loading') return <p role="status">Comparing the versions…</p>;
  if (diff.state === 'error')
    return (
      <p role="alert" className="error">
        {diff.error}
      </p>
    );
  const d = diff.data.diff;
  const s = d.summary;
  const listed = (label: string, items: string[]) =>
    items.length > 0 && (
      <li>
        {label}: {items.join(', ')}
      </li>
    );
  return (
    <div className="upgrade-review card" role="region" aria-label={`Upgrade of ${update.name}`}>
      <h3>
        {update.name}: v{d.fromVersion ?? '?'} → v{d.toVersion}
      </h3>
      {d.highlights.length > 0 && (
        <div className="note" role="note">
          <p>
            <strong>New permissions:</strong>
          </p>
          <ul>
            {d.highlights.map((h) => (
              <li key={h}>{h}</li>
            ))}
          </ul>
        </div>
      )}
      <ul className="diff-summary">
        {listed('Steps added', s.stepsAdded)}
        {listed('Steps removed', s.stepsRemoved)}
        {listed('Steps changed', s.stepsChanged)}
        {listed('Connections added', s.connectionsAdded)}
        {listed('Connections removed', s.connectionsRemoved)}
        {listed('Inputs changed', s.inputsChanged)}
        {listed('Bindings kept', d.bindingsKept)}
        {listed('Input values kept', d.inputsKept)}
      </ul>
      {d.needsAttention.length > 0 && (
        <ul className="error">
          {d.needsAttention.map((n) => (
            <li key={n.path}>
              {n.path}: {n.message}
            </li>
          ))}
        </ul>
      )}
      <DiffText text={d.unifiedDiff} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="button" className="primary" disabled={busy} onClick={() => void confirm()}>
        Upgrade {update.name} to v{d.toVersion}
      </button>
    </div>
  );
}

interface DeclaredInput {
  enum?: unknown[];
}
function declaredEnums(yamlText: string | null): Record<string, DeclaredInput> {
  if (!yamlText) return {};
  try {
    const doc = parseYaml(yamlText) as { spec?: { inputs?: Record<string, DeclaredInput> } } | null;
    return doc?.spec?.inputs ?? {};
  } catch {
    return {};
  }
}

function inputText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
function inputValue(text: string, type: string): unknown {
  if (type === 'number' || type === 'integer') return Number(text);
  if (type === 'boolean') return text === 'true';
  if (type === 'array')
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return text;
}

/** One agent: what it is, what it may do, its readme and versions; install it (bindings, inputs) or rent it. */
function AgentPage({ name }: { name: string }) {
  const { workspace } = useWorkspace();
  const w = workspace.id;
  const isAdmin = workspace.role === 'owner' || workspace.role === 'admin';
  const data = useLoad(async () => {
    const [agent, brands, creators, rentals, updates] = await Promise.all([
      api.get<{ agent: MarketplaceAgentDetail }>(`/api/marketplace/agents/${encodeURIComponent(name)}`),
      api.get<{ brands: Brand[] }>(`/api/workspaces/${w}/brands`),
      api.get<{ creators: Creator[] }>(`/api/workspaces/${w}/creators`),
      api.get<{ rentals: Rental[] }>(`/api/workspaces/${w}/marketplace/rentals`),
      api.get<{ updates: AgentUpdate[] }>(`/api/workspaces/${w}/marketplace/updates`),
    ]);
    return {
      agent: agent.agent,
      brands: brands.brands,
      creators: creators.creators,
      rental: rentals.rentals.find((r) => r.agent === name && r.status === 'active') ?? null,
      installed: updates.updates.filter((u) => u.marketplaceAgent === name),
    };
  }, [w, name]);

  const [cancelError, setCancelError] = useState<string | null>(null);
  async function cancelRental(id: string) {
    setCancelError(null);
    try {
      await api.post(`/api/workspaces/${w}/marketplace/rentals/${id}/cancel`, {});
      data.reload();
    } catch (e) {
      setCancelError(describeError(e));
    }
  }

  if (data.state === 'loading') return <p role="status">Loading the agent…</p>;
  if (data.state === 'error')
    return (
      <section aria-labelledby="market-agent-title">
        <h1 id="market-agent-title">Marketplace agent</h1>
        <p role="alert" className="error">
          {data.error}
        </p>
        <Link href={paths.marketplace(w)}>Back to the Marketplace</Link>
      </section>
    );
  const { agent, rental, installed } = data.data;
  const paid = agent.pricing.model === 'monthly';
  return (
    <section aria-labelledby="market-agent-title" className="market-agent">
      <p>
        <Link href={paths.marketplace(w)}>← Marketplace</Link>
      </p>
      <h1 id="market-agent-title">
        {agent.icon && <span aria-hidden="true">{agent.icon} </span>}
        {agent.displayName}
      </h1>
      <p className="hint">
        {agent.name} · by {agent.publisher.name}
        {agent.publisher.verified && <span className="verified"> ✓ verified</span>} · v{agent.latestVersion ?? '—'} ·{' '}
        {agent.category} · {agent.installs === 1 ? '1 install' : `${agent.installs} installs`}
      </p>
      <ul className="tags" aria-label="Tags">
        {agent.tags.map((t) => (
          <li key={t} className="tag">
            {t}
          </li>
        ))}
      </ul>
      <p className="market-facts">
        <span className={paid ? 'price' : 'price free'}>{priceText(agent.pricing)}</span>
        {rental && (
          <span className="status status-succeeded">
            {rental.cancelAtPeriodEnd ? 'rented, ends' : 'rented, renews'} on {rental.periodEnd.slice(0, 10)}
          </span>
        )}
        {rental && isAdmin && !rental.cancelAtPeriodEnd && (
          <button type="button" onClick={() => void cancelRental(rental.id)}>
            Cancel the rental at the end of the period
          </button>
        )}
      </p>
      {cancelError && (
        <p role="alert" className="error">
          {cancelError}
        </p>
      )}
      {agent.description && <p>{agent.description}</p>}
      {installed.length > 0 && (
        <p className="note" role="note">
          Installed in this workspace as {installed.map((i) => `${i.name} (v${i.installedVersion})`).join(', ')}.{' '}
          {installed.some((i) => i.updateAvailable) ? (
            <Link href={paths.marketplace(w)}>An update is available: review it in the Marketplace.</Link>
          ) : (
            <Link href={paths.agents(w)}>Open the Agent Shelf</Link>
          )}
        </p>
      )}

      <div className="side-by-side market-columns">
        <div>
          <h2>What it may do</h2>
          {agent.permissions.length === 0 ? (
            <p className="empty">It needs no connection and changes nothing outside its run.</p>
          ) : (
            <ul className="permissions" aria-label="Permissions">
              {agent.permissions.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          {paid && !rental ? (
            <RentForm agent={agent} isAdmin={isAdmin} onRented={data.reload} />
          ) : (
            <InstallForm
              agent={agent}
              brands={data.data.brands}
              creators={data.data.creators}
              onInstalled={data.reload}
            />
          )}
          <h2>Versions</h2>
          <ul className="plain-list" aria-label="Versions">
            {agent.versions.map((v) => (
              <li key={v.version}>
                v{v.version} · published {timeAgo(v.publishedAt)}
                {v.yanked && (
                  <span className="status status-failed"> yanked{v.yankReason ? `: ${v.yankReason}` : ''}</span>
                )}
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h2>Readme</h2>
          {agent.readme.trim() ? (
            <Markdown text={agent.readme} className="readme" />
          ) : (
            <p className="empty">The publisher wrote no readme.</p>
          )}
        </div>
      </div>
    </section>
  );
}

/** Rent a paid agent for a month, charged to the workspace balance (admins); the balance and a top-up beside it. */
function RentForm({
  agent,
  isAdmin,
  onRented,
}: {
  agent: MarketplaceAgentDetail;
  isAdmin: boolean;
  onRented: () => void;
}) {
  const { workspace } = useWorkspace();
  const w = workspace.id;
  const pricing = agent.pricing as Extract<Pricing, { model: 'monthly' }>;
  const balance = useLoad(async () => {
    if (!isAdmin) return null;
    const body = await api.get<{ balances: Array<{ currency: string; amountMinor: number }> }>(
      `/api/workspaces/${w}/transactions?limit=1`,
    );
    return body.balances.find((b) => b.currency === pricing.currency)?.amountMinor ?? 0;
  }, [w, isAdmin]);
  const [error, setError] = useState<string | null>(null);
  const [topUp, setTopUp] = useState('');
  // One key per attempt: a retry of the same click (network) charges once; a new click is a new rental request.
  const [rentKey, setRentKey] = useState(() => crypto.randomUUID());

  async function rent() {
    setError(null);
    try {
      await api.post(`/api/workspaces/${w}/marketplace/rentals`, { agent: agent.name, idempotencyKey: rentKey });
      setRentKey(crypto.randomUUID());
      onRented();
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === 'insufficient_balance'
          ? `${describeError(e)} Add funds to the workspace balance below, then rent again.`
          : describeError(e),
      );
    }
  }
  async function addFunds(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency: pricing.currency }).resolvedOptions()
      .maximumFractionDigits;
    const amountMinor = Math.round(Number(topUp) * 10 ** (digits ?? 2));
    if (!Number.isFinite(amountMinor) || amountMinor < 1) {
      setError('Amount: enter a positive amount, e.g. 20.00');
      return;
    }
    try {
      await api.post(`/api/workspaces/${w}/balance/top-ups`, {
        amountMinor,
        currency: pricing.currency,
        idempotencyKey: crypto.randomUUID(),
      });
      setTopUp('');
      balance.reload();
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <div className="rent card" aria-labelledby="rent-title">
      <h2 id="rent-title">Rent {agent.displayName}</h2>
      <p>
        {priceText(agent.pricing)}, charged to the workspace balance and renewed monthly until cancelled. It can be
        installed once rented.
      </p>
      {!isAdmin ? (
        <p className="hint">Only the workspace's owners and admins can rent agents.</p>
      ) : (
        <>
          {balance.state === 'ready' && balance.data !== null && (
            <p>
              Workspace balance: <strong>{moneyMinor(balance.data, pricing.currency)}</strong>
            </p>
          )}
          <button type="button" className="primary" onClick={() => void rent()}>
            Rent for {priceText(agent.pricing)}
          </button>
          <form className="inline-form" onSubmit={addFunds} aria-label="Add funds">
            <label>
              Add funds ({pricing.currency})
              <input inputMode="decimal" value={topUp} placeholder="20.00" onChange={(e) => setTopUp(e.target.value)} />
            </label>
            <button type="submit">Add funds</button>
          </form>
        </>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Install the newest version: a name, each connection bound to a store, creator or the sandbox, the inputs. */
function InstallForm({
  agent,
  brands,
  creators,
  onInstalled,
}: {
  agent: MarketplaceAgentDetail;
  brands: Brand[];
  creators: Creator[];
  onInstalled: () => void;
}) {
  const { workspace } = useWorkspace();
  const w = workspace.id;
  const manifest = agent.manifest;
  const enums = declaredEnums(agent.yaml);
  const bindable = (manifest?.connections ?? []).filter((c) => c.type === 'shopify' || c.type === 'tiktok');
  const [name, setName] = useState(agent.displayName);
  const [inputs, setInputs] = useState<Record<string, string>>(() =>
    Object.fromEntries((manifest?.inputs ?? []).map((i) => [i.name, inputText(i.default)])),
  );
  const [bindings, setBindings] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      bindable.map((c) => {
        const only = c.type === 'shopify' ? brands : creators;
        return [c.name, only.length === 1 ? `${c.type === 'shopify' ? 'brand' : 'creator'}:${only[0]!.id}` : ''];
      }),
    ),
  );
  const [error, setError] = useState<string | null>(null);
  const [installed, setInstalled] = useState<AgentConfiguration | null>(null);

  async function install(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const binding = (key: string): ConnectionBinding | undefined => {
      if (key === 'sandbox') return { sandbox: true };
      const [kind, id] = key.split(':');
      if (kind === 'brand' && id) return { brandId: id };
      if (kind === 'creator' && id) return { creatorId: id };
      return undefined;
    };
    const typeOf = (k: string) => manifest?.inputs.find((i) => i.name === k)?.type ?? 'string';
    try {
      const body = await api.post<{ agent: AgentConfiguration }>(`/api/workspaces/${w}/marketplace/installs`, {
        agent: agent.name,
        ...(name.trim() ? { name: name.trim() } : {}),
        inputs: Object.fromEntries(
          Object.entries(inputs)
            .filter(([, v]) => v.trim() !== '')
            .map(([k, v]) => [k, inputValue(v, typeOf(k))]),
        ),
        bindings: Object.fromEntries(
          Object.entries(bindings)
            .map(([k, v]) => [k, binding(v)] as const)
            .filter(([, v]) => v),
        ),
      });
      setInstalled(body.agent);
      onInstalled();
    } catch (e) {
      setError(describeError(e));
    }
  }

  if (installed)
    return (
      <div className="success card" role="status">
        <p>
          Installed <strong>{installed.name}</strong>. Drag it from the Agent Shelf (or a page's agent list) onto a
          canvas page to see its output there.
        </p>
        <div className="card-actions">
          <button type="button" onClick={() => navigate(paths.agents(w))}>
            Open the Agent Shelf
          </button>
          <button type="button" onClick={() => setInstalled(null)}>
            Install it again
          </button>
        </div>
      </div>
    );
  return (
    <form className="inline-form" onSubmit={install} aria-labelledby="install-market-title">
      <h2 id="install-market-title">Install {agent.displayName}</h2>
      <label>
        Name in this workspace
        <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      {bindable.map((c) => (
        <label key={c.name}>
          Connection “{c.name}” ({c.type === 'shopify' ? 'Shopify store' : 'TikTok account'})
          <select
            required
            value={bindings[c.name] ?? ''}
            onChange={(e) => setBindings({ ...bindings, [c.name]: e.target.value })}
          >
            <option value="">Choose…</option>
            {(c.type === 'shopify' ? brands : creators).map((p) => (
              <option key={p.id} value={`${c.type === 'shopify' ? 'brand' : 'creator'}:${p.id}`}>
                {p.name}
              </option>
            ))}
            <option value="sandbox">Sandbox (built-in emulators)</option>
          </select>
          <span className="hint">
            Asks for: {c.scopes.join(', ') || 'no scope'}. Credentials stay in the workspace; none are copied.
          </span>
        </label>
      ))}
      {(manifest?.inputs ?? []).map((i) => (
        <label key={i.name}>
          {i.name}
          {i.required ? ' (required)' : ''}
          {enums[i.name]?.enum ? (
            <select value={inputs[i.name] ?? ''} onChange={(e) => setInputs({ ...inputs, [i.name]: e.target.value })}>
              {enums[i.name]!.enum!.map((v) => (
                <option key={String(v)} value={String(v)}>
                  {String(v)}
                </option>
              ))}
            </select>
          ) : (
            <input
              required={i.required}
              type={i.type === 'number' || i.type === 'integer' ? 'number' : 'text'}
              value={inputs[i.name] ?? ''}
              onChange={(e) => setInputs({ ...inputs, [i.name]: e.target.value })}
            />
          )}
          {i.description && <span className="hint">{i.description}</span>}
        </label>
      ))}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={!agent.latestVersion}>
        Install {agent.displayName}
      </button>
    </form>
  );
}
