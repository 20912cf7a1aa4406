import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api, describeError } from '../api/client';
import type { User, Workspace } from '../api/types';
import { navigate, paths, type Route } from '../router';
import { CreateWorkspace } from '../screens/CreateWorkspace';
import { JoinWorkspace } from '../screens/JoinWorkspace';
import { WorkspaceHome } from '../screens/WorkspaceHome';
import { ChatDock } from '../chat/ChatDock';
import { ChatView } from '../chat/ChatView';
import { Sidebar } from './Sidebar';
import { TopBar } from './TopBar';
import { WorkspaceProvider } from './workspace-context';
import { preloadAgentEditor, prepareAgentEditor } from '../editor/preload';

const MembersScreen = lazy(() => import('../screens/MembersScreen'));
const AgentShelf = lazy(() => import('../agents/AgentShelf'));
// Monaco and React Flow load only when the agent editor opens (or is about to: editor/preload.ts).
const EditorScreen = lazy(() => preloadAgentEditor());
const RunsScreen = lazy(() => import('../agents/RunsScreen'));
const ConnectionsScreen = lazy(() => import('../screens/ConnectionsScreen'));
const MarketplaceScreen = lazy(() => import('../screens/MarketplaceScreen'));
const NotificationsScreen = lazy(() => import('../notifications/NotificationsScreen'));
const CommandPalette = lazy(() => import('../palette/CommandPalette').then((m) => ({ default: m.CommandPalette })));
const CanvasScreen = lazy(() => import('../canvas/CanvasScreen').then((m) => ({ default: m.CanvasScreen })));

function workspaceIdOf(route: Route): string | undefined {
  return 'workspaceId' in route ? route.workspaceId : undefined;
}

/** The signed-in app: sidebar, top bar, the screen of the route. Loads the user's workspaces first. */
export function Shell({ user, route }: { user: User; route: Route }) {
  const [workspaces, setWorkspaces] = useState<Workspace[] | null>(null);
  const [palette, setPalette] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPalette((open) => !open);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const [error, setError] = useState<string | null>(null);

  const reloadWorkspaces = useCallback(async () => {
    const body = await api.get<{ workspaces: Workspace[] }>('/api/workspaces');
    setWorkspaces(body.workspaces);
    return body.workspaces;
  }, []);

  useEffect(() => {
    reloadWorkspaces().catch((e: unknown) => setError(describeError(e)));
  }, [reloadWorkspaces, user.id]);

  const requested = workspaceIdOf(route);
  const current =
    workspaces?.find((w) => w.id === requested) ??
    (requested ? undefined : (workspaces?.find((w) => w.id === user.currentWorkspaceId) ?? workspaces?.[0]));

  useEffect(() => {
    // A failed OAuth callback that could not name its workspace: its error shows on the current one's Connections.
    if (route.name === 'home' && current && new URLSearchParams(location.search).get('connection'))
      navigate(`${paths.connections(current.id)}${location.search}`, { replace: true });
    else if (route.name === 'home' && current) navigate(paths.workspace(current.id), { replace: true });
  }, [route.name, current]);

  if (error)
    return (
      <main className="center-screen">
        <div role="alert" className="error-panel">
          <h1>Could not load your workspaces</h1>
          <p>{error}</p>
          <button
            type="button"
            onClick={() =>
              void reloadWorkspaces().then(
                () => setError(null),
                (e) => setError(describeError(e)),
              )
            }
          >
            Try again
          </button>
        </div>
      </main>
    );
  if (!workspaces)
    return (
      <main className="center-screen" aria-busy="true">
        <p role="status">Loading your workspaces…</p>
      </main>
    );
  if (workspaces.length === 0 || route.name === 'home')
    return workspaces.length === 0 ? (
      <main className="center-screen">
        <div className="first-workspace">
          <CreateWorkspace
            first
            onCreated={(w) => void reloadWorkspaces().then(() => navigate(paths.workspace(w.id)))}
          />
          <JoinWorkspace onJoined={(w) => void reloadWorkspaces().then(() => navigate(paths.workspace(w.id)))} />
        </div>
      </main>
    ) : null;
  if (!current)
    return (
      <main className="center-screen">
        <div role="alert" className="error-panel">
          <h1>Workspace not found</h1>
          <p>It does not exist or you are not a member of it.</p>
          <a href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
            Go to your workspaces
          </a>
        </div>
      </main>
    );

  return (
    <WorkspaceProvider workspaces={workspaces} workspace={current} reloadWorkspaces={reloadWorkspaces}>
      <div className="shell">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Sidebar route={route} />
        <div className="main-column">
          <TopBar user={user} onOpenPalette={() => setPalette(true)} />
          <main id="main" tabIndex={-1} className="screen">
            <Suspense fallback={<p role="status">Loading…</p>}>
              <Screen route={route} />
            </Suspense>
          </main>
        </div>
        {palette && (
          <Suspense fallback={null}>
            <CommandPalette onClose={() => setPalette(false)} />
          </Suspense>
        )}
        {route.name !== 'channel' && route.name !== 'agent-editor' && (
          <ChatDock openPageId={route.name === 'page' ? route.pageId : undefined} />
        )}
      </div>
    </WorkspaceProvider>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'workspace':
      return <WorkspaceHome />;
    case 'members':
      return <MembersScreen />;
    case 'page':
      return <CanvasScreen key={route.pageId} pageId={route.pageId} />;
    case 'notifications':
      return <NotificationsScreen />;
    case 'agents':
      return <AgentShelf />;
    case 'agent-editor':
      // Fetch and analyse the agent while the editor's chunk loads (idempotent: once per opening).
      prepareAgentEditor(route.workspaceId, route.agentId);
      return <EditorScreen key={route.agentId ?? 'new'} agentId={route.agentId} />;
    case 'runs':
      return <RunsScreen key={route.runId ?? 'all'} runId={route.runId} />;
    case 'connections':
      return <ConnectionsScreen oauth={route.oauth} />;
    case 'marketplace':
      return <MarketplaceScreen key={route.agentName ?? 'catalog'} agentName={route.agentName} />;
    case 'channel':
      return <ChatView key={route.channelId} channelId={route.channelId} />;
    default:
      return (
        <section aria-labelledby="nf-title">
          <h1 id="nf-title">Not found</h1>
          <p>There is no screen at this address.</p>
        </section>
      );
  }
}
