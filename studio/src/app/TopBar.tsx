import { session } from '../api/client';
import type { User } from '../api/types';
import { useWorkspace } from './workspace-context';

export function TopBar({ user }: { user: User }) {
  const { workspace } = useWorkspace();
  return (
    <header className="topbar">
      <p className="topbar-title">
        <span className="brand-mark">IONFLUX</span> <span aria-hidden="true">/</span> {workspace.name}
      </p>
      <div className="topbar-actions">
        <span className="user-name" title={user.email}>
          {user.displayName}
        </span>
        <button type="button" onClick={() => void session.logout()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
