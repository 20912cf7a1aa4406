import { useWorkspace } from '../app/workspace-context';
import { Link } from '../app/Sidebar';
import { navigate, paths } from '../router';
import { ArchivedPages } from './ArchivedPages';
import { CreateWorkspace } from './CreateWorkspace';
import { JoinWorkspace } from './JoinWorkspace';

/** The workspace dashboard: what is in it, your role, where to go next; create another workspace. */
export function WorkspaceHome() {
  const { workspace, pages, channels, reloadWorkspaces } = useWorkspace();
  const unread = channels.reduce((sum, c) => sum + c.unreadCount, 0);
  return (
    <section aria-labelledby="ws-title" className="dashboard">
      <h1 id="ws-title">{workspace.name}</h1>
      <p>
        Your role: <strong className="role">{workspace.role}</strong>
      </p>
      <div className="cards">
        <article className="card" aria-labelledby="dash-pages">
          <h2 id="dash-pages">Pages</h2>
          {pages.length === 0 ? (
            <p className="empty">No pages yet: create one with + in the sidebar.</p>
          ) : (
            <ul>
              {pages.slice(0, 8).map((p) => (
                <li key={p.id}>
                  <Link href={paths.page(workspace.id, p.id)}>{p.title}</Link>
                </li>
              ))}
            </ul>
          )}
        </article>
        <article className="card" aria-labelledby="dash-channels">
          <h2 id="dash-channels">Channels</h2>
          <p>
            {channels.length} channel{channels.length === 1 ? '' : 's'}, {unread} unread message
            {unread === 1 ? '' : 's'}
          </p>
        </article>
        <ArchivedPages />
        <article className="card" aria-labelledby="dash-team">
          <h2 id="dash-team">Team</h2>
          <p>
            <Link href={paths.members(workspace.id)}>Members and invitations</Link>
          </p>
        </article>
      </div>
      <div className="side-by-side">
        <CreateWorkspace onCreated={(w) => void reloadWorkspaces().then(() => navigate(paths.workspace(w.id)))} />
        <JoinWorkspace onJoined={(w) => void reloadWorkspaces().then(() => navigate(paths.workspace(w.id)))} />
      </div>
    </section>
  );
}
