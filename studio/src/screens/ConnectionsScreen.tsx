import { useEffect, useState, type FormEvent } from 'react';
import { api, describeError } from '../api/client';
import type { Brand, Creator } from '../api/types';
import { useWorkspace } from '../app/workspace-context';
import { useCapabilities } from '../capabilities';
import { useLoad } from '../hooks';
import { navigate, paths, type OAuthReturn } from '../router';

type StatusLabel = 'connected' | 'expired' | 'revoked' | 'uninstalled' | 'disconnected' | 'not connected';

/** The connection's state as people read it: the server's OAuth state first, else what its credentials say. */
export function connectionStatus(item: Brand | Creator, now = Date.now()): { label: StatusLabel; className: string } {
  const state = item.connection?.state ?? null;
  const failed = 'status status-failed';
  if (state === 'revoked' || state === 'uninstalled' || state === 'expired') return { label: state, className: failed };
  if (item.credentials.connected) {
    if (item.credentials.expiresAt && Date.parse(item.credentials.expiresAt) < now)
      return { label: 'expired', className: failed };
    return { label: 'connected', className: 'status status-succeeded' };
  }
  if (state === 'disconnected') return { label: 'disconnected', className: 'status' };
  return { label: 'not connected', className: 'status' };
}

const PROVIDER = { brands: 'Shopify', creators: 'TikTok' } as const;

/**
 * Brands (Shopify stores) and creators (TikTok accounts) of the workspace with their connection status (connected,
 * expired, revoked, uninstalled, disconnected); add, connect through the provider's OAuth screen (when the server
 * offers it), disconnect and remove. The OAuth callback brings the browser back here with the outcome.
 */
export default function ConnectionsScreen({ oauth }: { oauth?: OAuthReturn }) {
  const { workspace } = useWorkspace();
  const w = workspace.id;
  const isAdmin = workspace.role === 'owner' || workspace.role === 'admin';
  const caps = useCapabilities();
  const data = useLoad(async () => {
    const [brands, creators] = await Promise.all([
      api.get<{ brands: Brand[] }>(`/api/workspaces/${w}/brands`),
      api.get<{ creators: Creator[] }>(`/api/workspaces/${w}/creators`),
    ]);
    return { brands: brands.brands, creators: creators.creators };
  }, [w]);
  const [error, setError] = useState<string | null>(null);
  const [brand, setBrand] = useState({ name: '', shopDomain: '' });
  const [creator, setCreator] = useState({ name: '', handle: '' });

  async function act(run: () => Promise<unknown>) {
    setError(null);
    try {
      await run();
      data.reload();
    } catch (e) {
      setError(describeError(e));
      data.reload();
    }
  }

  // The callback lands on /?connection=...: keep the outcome, show it at this screen's own address.
  const [outcome] = useState(oauth);
  useEffect(() => {
    if (oauth) navigate(paths.connections(w), { replace: true });
  }, [oauth, w]);

  function connect(kind: 'brands' | 'creators', item: Brand | Creator) {
    void act(async () => {
      const path =
        kind === 'brands'
          ? `/api/workspaces/${w}/brands/${item.id}/shopify/connect`
          : `/api/workspaces/${w}/creators/${item.id}/tiktok/connect`;
      const { authorizeUrl } = await api.post<{ authorizeUrl: string }>(path, {});
      // The provider's screen; it redirects back to the server's callback, which redirects here.
      window.location.assign(authorizeUrl);
    });
  }
  function disconnect(kind: 'brands' | 'creators', item: Brand | Creator) {
    void act(() =>
      // Connected through OAuth: the provider's side is undone too (webhooks removed, TikTok authorization revoked).
      item.connection?.state === 'connected'
        ? api.delete(
            kind === 'brands'
              ? `/api/workspaces/${w}/brands/${item.id}/shopify/connection`
              : `/api/workspaces/${w}/creators/${item.id}/tiktok/connection`,
          )
        : api.delete(`/api/workspaces/${w}/${kind}/${item.id}/credentials`),
    );
  }

  function addBrand(event: FormEvent) {
    event.preventDefault();
    void act(async () => {
      await api.post(`/api/workspaces/${w}/brands`, { name: brand.name, shopDomain: brand.shopDomain || null });
      setBrand({ name: '', shopDomain: '' });
    });
  }
  function addCreator(event: FormEvent) {
    event.preventDefault();
    void act(async () => {
      await api.post(`/api/workspaces/${w}/creators`, { name: creator.name, handle: creator.handle || null });
      setCreator({ name: '', handle: '' });
    });
  }

  const row = (kind: 'brands' | 'creators', item: Brand | Creator, detail: string | null) => {
    const s = connectionStatus(item);
    const oauthOffered = caps?.connectionsOAuth ?? false;
    return (
      <tr key={item.id}>
        <td>{item.name}</td>
        <td>{detail ?? '—'}</td>
        <td>
          <span className={s.className}>{s.label}</span>
          {item.credentials.scopes.length > 0 && <span className="hint"> {item.credentials.scopes.join(', ')}</span>}
          {item.connection?.detail && s.label !== 'connected' && (
            <span className="hint connection-detail"> {item.connection.detail}</span>
          )}
        </td>
        <td className="row-actions">
          {isAdmin && oauthOffered && s.label !== 'connected' && (
            <button type="button" className="primary" onClick={() => connect(kind, item)}>
              Connect {item.name} to {PROVIDER[kind]}
            </button>
          )}{' '}
          {isAdmin && oauthOffered && kind === 'creators' && item.connection?.state === 'connected' && (
            <button
              type="button"
              onClick={() => void act(() => api.post(`/api/workspaces/${w}/creators/${item.id}/tiktok/refresh`, {}))}
            >
              Refresh {item.name}'s token
            </button>
          )}{' '}
          {isAdmin && item.credentials.connected && (
            <button type="button" onClick={() => disconnect(kind, item)}>
              Disconnect {item.name}
            </button>
          )}{' '}
          {isAdmin && (
            <button
              type="button"
              className="danger"
              onClick={() => void act(() => api.delete(`/api/workspaces/${w}/${kind}/${item.id}`))}
            >
              Remove {item.name}
            </button>
          )}
        </td>
      </tr>
    );
  };

  const returned =
    outcome && data.state === 'ready'
      ? [...data.data.brands, ...data.data.creators].find((i) => i.id === outcome.id)
      : undefined;

  return (
    <section aria-labelledby="connections-title">
      <h1 id="connections-title">Connections</h1>
      <p className="hint">Shopify stores (brands) and TikTok accounts (creators) your agents use.</p>
      {caps && !caps.connectionsOAuth && (
        <p className="note" role="note">
          Connecting an account through its OAuth screen is not offered by this server yet: add the store or creator
          here, and agents can use the server's sandbox emulators until then.
        </p>
      )}
      {outcome && (
        <p
          role={outcome.status === 'connected' ? 'status' : 'alert'}
          className={outcome.status === 'connected' ? 'success' : 'error'}
        >
          {outcome.status === 'connected'
            ? `${returned?.name ?? 'The account'} is connected to ${outcome.provider === 'tiktok' ? 'TikTok' : 'Shopify'}.`
            : outcome.status === 'error'
              ? `Connecting to ${outcome.provider === 'tiktok' ? 'TikTok' : 'Shopify'} failed: ${outcome.message ?? 'no reason given'}. Nothing was stored.`
              : `${outcome.provider === 'tiktok' ? 'TikTok' : 'Shopify'} did not connect ${returned?.name ?? 'the account'} (${outcome.status || 'no answer'}): nothing was stored. Connect it again when ready.`}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data.state === 'loading' && <p role="status">Loading connections…</p>}
      {data.state === 'error' && (
        <p role="alert" className="error">
          {data.error}
        </p>
      )}
      {data.state === 'ready' && (
        <>
          <h2>Shopify stores</h2>
          {data.data.brands.length === 0 ? (
            <p className="empty">No store yet.</p>
          ) : (
            <table className="data-table">
              <caption className="visually-hidden">Shopify stores</caption>
              <thead>
                <tr>
                  <th scope="col">Brand</th>
                  <th scope="col">Store domain</th>
                  <th scope="col">Status</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>{data.data.brands.map((b) => row('brands', b, b.shopDomain))}</tbody>
            </table>
          )}
          {isAdmin && (
            <form className="inline-form" onSubmit={addBrand} aria-labelledby="add-brand">
              <h3 id="add-brand">Add a Shopify store</h3>
              <label>
                Brand name
                <input
                  required
                  maxLength={100}
                  value={brand.name}
                  onChange={(e) => setBrand({ ...brand, name: e.target.value })}
                />
              </label>
              <label>
                Store domain (optional)
                <input
                  placeholder="my-test-store.myshopify.com"
                  value={brand.shopDomain}
                  onChange={(e) => setBrand({ ...brand, shopDomain: e.target.value })}
                />
                <span className="hint">Without one, connecting uses the server's sandbox store when it runs one.</span>
              </label>
              <button type="submit" className="primary">
                Add store
              </button>
            </form>
          )}
          <h2>TikTok creators</h2>
          {data.data.creators.length === 0 ? (
            <p className="empty">No creator yet.</p>
          ) : (
            <table className="data-table">
              <caption className="visually-hidden">TikTok creators</caption>
              <thead>
                <tr>
                  <th scope="col">Creator</th>
                  <th scope="col">Handle</th>
                  <th scope="col">Status</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>{data.data.creators.map((c) => row('creators', c, c.handle ? `@${c.handle}` : null))}</tbody>
            </table>
          )}
          {isAdmin && (
            <form className="inline-form" onSubmit={addCreator} aria-labelledby="add-creator">
              <h3 id="add-creator">Add a TikTok creator</h3>
              <label>
                Creator name
                <input
                  required
                  maxLength={100}
                  value={creator.name}
                  onChange={(e) => setCreator({ ...creator, name: e.target.value })}
                />
              </label>
              <label>
                Handle (optional)
                <input
                  placeholder="@my.test.creator"
                  value={creator.handle}
                  onChange={(e) => setCreator({ ...creator, handle: e.target.value })}
                />
              </label>
              <button type="submit" className="primary">
                Add creator
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}
