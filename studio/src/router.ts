import { useSyncExternalStore } from 'react';

/**
 * Paths of the app (history API; the server answers every non-API GET with index.html). Notification links use the
 * same shapes, e.g. /workspaces/<id>/channels/<id>?message=<id>.
 */
export type Route =
  | { name: 'login' }
  | { name: 'signup' }
  | { name: 'home' }
  | { name: 'workspace'; workspaceId: string }
  | { name: 'page'; workspaceId: string; pageId: string }
  | { name: 'channel'; workspaceId: string; channelId: string; messageId?: string }
  | { name: 'members'; workspaceId: string }
  | { name: 'agents'; workspaceId: string }
  | { name: 'agent-editor'; workspaceId: string; agentId?: string }
  | { name: 'marketplace'; workspaceId: string; agentName?: string }
  | { name: 'connections'; workspaceId: string; oauth?: OAuthReturn }
  | { name: 'runs'; workspaceId: string; runId?: string }
  | { name: 'notifications' }
  | { name: 'not-found'; path: string };

/**
 * Where an OAuth flow ended: `?connection=shopify|tiktok&status=connected|denied&brandId|creatorId=...`, or
 * `status=error&code=...&message=...` when the callback failed (bad state, bad signature, refused exchange).
 */
export interface OAuthReturn {
  provider: string;
  status: string;
  id: string | null;
  message?: string;
}
function oauthReturn(params: URLSearchParams): OAuthReturn | undefined {
  const provider = params.get('connection');
  if (!provider) return undefined;
  return {
    provider,
    status: params.get('status') ?? '',
    id: params.get('brandId') ?? params.get('creatorId'),
    ...(params.get('message') ? { message: params.get('message')! } : {}),
  };
}

export function parseRoute(pathname: string, search = ''): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(search);
  const oauth = oauthReturn(params);
  // The server's OAuth callbacks redirect to /?connection=...&workspaceId=...: the Connections screen shows it.
  if (parts.length === 0 && oauth && params.get('workspaceId'))
    return { name: 'connections', workspaceId: params.get('workspaceId')!, oauth };
  if (parts.length === 0) return { name: 'home' };
  if (parts[0] === 'login' && parts.length === 1) return { name: 'login' };
  if (parts[0] === 'signup' && parts.length === 1) return { name: 'signup' };
  if (parts[0] === 'notifications' && parts.length === 1) return { name: 'notifications' };
  if (parts[0] === 'workspaces' && parts[1]) {
    const workspaceId = parts[1];
    const [section, id, extra] = parts.slice(2);
    if (!section) return { name: 'workspace', workspaceId };
    if (section === 'pages' && id && !extra) return { name: 'page', workspaceId, pageId: id };
    if (section === 'channels' && id && !extra)
      return { name: 'channel', workspaceId, channelId: id, messageId: params.get('message') ?? undefined };
    if (section === 'members' && !id) return { name: 'members', workspaceId };
    if (section === 'agents' && !id) return { name: 'agents', workspaceId };
    if (section === 'agents' && id === 'new' && !extra) return { name: 'agent-editor', workspaceId };
    if (section === 'agents' && id && extra === 'edit' && !parts[5])
      return { name: 'agent-editor', workspaceId, agentId: id };
    if (section === 'marketplace' && !extra) return { name: 'marketplace', workspaceId, agentName: id };
    if (section === 'connections' && !id) return { name: 'connections', workspaceId, ...(oauth ? { oauth } : {}) };
    if (section === 'runs' && !extra) return { name: 'runs', workspaceId, runId: id };
  }
  return { name: 'not-found', path: pathname };
}

const listeners = new Set<() => void>();
function notify(): void {
  for (const listener of listeners) listener();
}
window.addEventListener('popstate', notify);

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
const snapshot = () => window.location.pathname + window.location.search;

export function useLocation(): string {
  return useSyncExternalStore(subscribe, snapshot);
}

export function useRoute(): Route {
  const location = useLocation();
  const [pathname, search] = location.split('?');
  return parseRoute(pathname ?? '/', search ? `?${search}` : '');
}

export const paths = {
  workspace: (w: string) => `/workspaces/${w}`,
  page: (w: string, p: string) => `/workspaces/${w}/pages/${p}`,
  channel: (w: string, c: string) => `/workspaces/${w}/channels/${c}`,
  members: (w: string) => `/workspaces/${w}/members`,
  agents: (w: string) => `/workspaces/${w}/agents`,
  agentEditor: (w: string, agentId?: string) => `/workspaces/${w}/agents/${agentId ? `${agentId}/edit` : 'new'}`,
  marketplace: (w: string, agent?: string) => `/workspaces/${w}/marketplace${agent ? `/${agent}` : ''}`,
  connections: (w: string) => `/workspaces/${w}/connections`,
  runs: (w: string, runId?: string) => `/workspaces/${w}/runs${runId ? `/${runId}` : ''}`,
};
