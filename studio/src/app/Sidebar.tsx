import { useState, type FormEvent } from 'react';
import { api, describeError } from '../api/client';
import type { Page } from '../api/types';
import { navigate, paths, type Route } from '../router';
import { NewChannelForm } from './NewChannelForm';
import { useWorkspace } from './workspace-context';

function Link({
  href,
  current,
  children,
  className,
}: {
  href: string;
  current?: boolean;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <a
      href={href}
      className={className}
      aria-current={current ? 'page' : undefined}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
export { Link };

/** Workspace switcher, sections, pages (create, open) and channels with unread counts. */
export function Sidebar({ route }: { route: Route }) {
  const { workspaces, workspace, pages, channels, reloadPages } = useWorkspace();
  const [newPage, setNewPage] = useState<string | null>(null);
  const [newChannel, setNewChannel] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const w = workspace.id;

  async function createPage(event: FormEvent) {
    event.preventDefault();
    if (!newPage?.trim()) return;
    setError(null);
    try {
      const { page } = await api.post<{ page: Page }>(`/api/workspaces/${w}/pages`, { title: newPage.trim() });
      setNewPage(null);
      await reloadPages();
      navigate(paths.page(w, page.id));
    } catch (e) {
      setError(describeError(e));
    }
  }

  const sections: Array<{ href: string; label: string; active: boolean }> = [
    { href: paths.workspace(w), label: 'Dashboard', active: route.name === 'workspace' },
    { href: paths.agents(w), label: 'Agent Shelf', active: route.name === 'agents' },
    { href: paths.marketplace(w), label: 'Marketplace', active: route.name === 'marketplace' },
    { href: paths.connections(w), label: 'Connections', active: route.name === 'connections' },
    { href: paths.runs(w), label: 'Runs', active: route.name === 'runs' },
    { href: paths.members(w), label: 'Members', active: route.name === 'members' },
  ];

  return (
    <nav className="sidebar" aria-label="Workspace navigation">
      <div className="switcher">
        <label htmlFor="workspace-switcher">Workspace</label>
        <select
          id="workspace-switcher"
          value={w}
          onChange={(e) => {
            const id = e.target.value;
            void api.post(`/api/workspaces/${id}/switch`).catch(() => undefined);
            navigate(paths.workspace(id));
          }}
        >
          {workspaces.map((ws) => (
            <option key={ws.id} value={ws.id}>
              {ws.name} ({ws.role})
            </option>
          ))}
        </select>
      </div>
      <ul className="nav-list">
        {sections.map((s) => (
          <li key={s.href}>
            <Link href={s.href} current={s.active}>
              {s.label}
            </Link>
          </li>
        ))}
      </ul>

      <section aria-labelledby="pages-heading" className="nav-section">
        <div className="nav-heading">
          <h2 id="pages-heading">Pages</h2>
          <button type="button" className="icon-button" aria-label="New page" onClick={() => setNewPage('')}>
            +
          </button>
        </div>
        {newPage !== null && (
          <form onSubmit={createPage} className="nav-form">
            <label htmlFor="new-page-title" className="visually-hidden">
              New page title
            </label>
            <input
              id="new-page-title"
              autoFocus
              placeholder="Page title"
              maxLength={200}
              value={newPage}
              onChange={(e) => setNewPage(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') setNewPage(null);
              }}
            />
            <button type="submit">Create</button>
          </form>
        )}
        {error && (
          <p role="alert" className="error small">
            {error}
          </p>
        )}
        {pages.length === 0 ? (
          <p className="empty small">No pages yet.</p>
        ) : (
          <ul className="nav-list">
            {pages.map((page) => (
              <li key={page.id}>
                <Link href={paths.page(w, page.id)} current={route.name === 'page' && route.pageId === page.id}>
                  {page.icon ? `${page.icon} ` : ''}
                  {page.title}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="channels-heading" className="nav-section">
        <div className="nav-heading">
          <h2 id="channels-heading">Channels</h2>
          <button type="button" className="icon-button" aria-label="New channel" onClick={() => setNewChannel(true)}>
            +
          </button>
        </div>
        {newChannel && <NewChannelForm onClose={() => setNewChannel(false)} />}
        {channels.length === 0 ? (
          <p className="empty small">No channels.</p>
        ) : (
          <ul className="nav-list">
            {channels.map((channel) => (
              <li key={channel.id}>
                <Link
                  href={paths.channel(w, channel.id)}
                  current={route.name === 'channel' && route.channelId === channel.id}
                  className={channel.unreadCount > 0 ? 'unread' : undefined}
                >
                  <span># {channel.name}</span>
                  {channel.unreadCount > 0 && (
                    <span className="badge">
                      {channel.unreadCount}
                      <span className="visually-hidden"> unread</span>
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </nav>
  );
}
