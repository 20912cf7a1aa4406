import { useState } from 'react';
import { api, describeError } from '../api/client';
import type { Page } from '../api/types';
import { Link } from '../app/Sidebar';
import { useWorkspace } from '../app/workspace-context';
import { useLoad } from '../hooks';
import { paths } from '../router';

/** Archived pages of the workspace, each with Restore (it goes back to the sidebar). */
export function ArchivedPages() {
  const { workspace, pages, reloadPages } = useWorkspace();
  const w = workspace.id;
  const canEdit = workspace.role !== 'viewer';
  // The sidebar's pages change when a page is archived or restored (here, on the page, or live by others).
  const archived = useLoad(
    async () => (await api.get<{ pages: Page[] }>(`/api/workspaces/${w}/pages?archived=true`)).pages,
    [w, pages],
  );
  const [error, setError] = useState<string | null>(null);

  async function restore(page: Page) {
    setError(null);
    try {
      await api.patch(`/api/workspaces/${w}/pages/${page.id}`, { archived: false });
      await reloadPages();
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <article className="card" aria-labelledby="dash-archived">
      <h2 id="dash-archived">Archived pages</h2>
      {archived.state === 'loading' && <p role="status">Loading archived pages…</p>}
      {archived.state === 'error' && (
        <p role="alert" className="error">
          {archived.error}
        </p>
      )}
      {archived.state === 'ready' &&
        (archived.data.length === 0 ? (
          <p className="empty">No archived page.</p>
        ) : (
          <ul className="plain-list" aria-label="Archived pages">
            {archived.data.map((p) => (
              <li key={p.id}>
                <Link href={paths.page(w, p.id)}>{p.title}</Link>{' '}
                {canEdit && (
                  <button type="button" onClick={() => void restore(p)}>
                    Restore {p.title}
                  </button>
                )}
              </li>
            ))}
          </ul>
        ))}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </article>
  );
}
