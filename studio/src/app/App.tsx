import { useEffect } from 'react';
import { session } from '../api/client';
import { navigate, useRoute } from '../router';
import { useSession, useSessionReady } from '../hooks';
import { AuthScreen } from '../screens/AuthScreen';
import { Shell } from './Shell';

export function App() {
  const ready = useSessionReady();
  const user = useSession();
  const route = useRoute();
  const onAuthScreen = route.name === 'login' || route.name === 'signup';

  useEffect(() => {
    if (!ready) return;
    if (!user && !onAuthScreen) {
      const back = window.location.pathname + window.location.search;
      navigate(back === '/' || session.signedOutByUser ? '/login' : `/login?next=${encodeURIComponent(back)}`, {
        replace: true,
      });
    }
    if (user && onAuthScreen) {
      const next = new URLSearchParams(window.location.search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    }
  }, [ready, user, onAuthScreen]);

  if (!ready)
    return (
      <main className="center-screen" aria-busy="true">
        <p role="status">Loading IONFLUX…</p>
      </main>
    );
  if (!user) return onAuthScreen ? <AuthScreen mode={route.name === 'signup' ? 'signup' : 'login'} /> : null;
  if (onAuthScreen) return null;
  return <Shell user={user} route={route} />;
}
