import { session } from '../api/client';
import type { User } from '../api/types';
import { NotificationBell, useNotifications } from '../notifications/notifications';
import { navigate } from '../router';
import { useWorkspace } from './workspace-context';

export function TopBar({ user, onOpenPalette }: { user: User; onOpenPalette: () => void }) {
  const { workspace } = useWorkspace();
  const notifications = useNotifications();
  return (
    <header className="topbar">
      <p className="topbar-title">
        <span className="brand-mark">IONFLUX</span> <span aria-hidden="true">/</span> {workspace.name}
      </p>
      <div className="topbar-actions">
        <button type="button" onClick={onOpenPalette} aria-keyshortcuts="Control+K Meta+K">
          Search <kbd>Ctrl K</kbd>
        </button>
        <NotificationBell state={notifications} />
        <span className="user-name" title={user.email}>
          {user.displayName}
        </span>
        <button type="button" onClick={() => void session.logout().then(() => navigate('/login', { replace: true }))}>
          Sign out
        </button>
      </div>
    </header>
  );
}
