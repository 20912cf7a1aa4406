import { NotificationList, useNotifications } from './notifications';

export default function NotificationsScreen() {
  const state = useNotifications();
  return (
    <section aria-labelledby="notifications-title">
      <div className="page-header">
        <h1 id="notifications-title">Notifications</h1>
        <button type="button" onClick={() => void state.markAllRead()} disabled={state.unread === 0}>
          Mark all read
        </button>
      </div>
      <NotificationList state={state} />
    </section>
  );
}
