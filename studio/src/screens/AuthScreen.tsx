import { useState, type FormEvent } from 'react';
import { describeError, session } from '../api/client';
import { navigate } from '../router';

/** Sign in and sign up: one form, labelled fields, the server's message (naming the field) on failure. */
export function AuthScreen({ mode }: { mode: 'login' | 'signup' }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signup = mode === 'signup';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (signup) await session.signup({ email, password, displayName });
      else await session.login({ email, password });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  const switchTo = (target: string) => (event: React.MouseEvent) => {
    event.preventDefault();
    setError(null);
    navigate(target + window.location.search);
  };

  return (
    <main className="center-screen">
      <form className="auth-card" onSubmit={submit} aria-labelledby="auth-title">
        <p className="brand-mark" aria-hidden="true">
          IONFLUX
        </p>
        <h1 id="auth-title">{signup ? 'Create your account' : 'Sign in to IONFLUX'}</h1>
        {signup && (
          <label>
            Your name
            <input
              name="displayName"
              autoComplete="name"
              required
              maxLength={100}
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
          </label>
        )}
        <label>
          Email
          <input
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={signup ? 'new-password' : 'current-password'}
            required
            minLength={signup ? 8 : 1}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={signup ? 'password-hint' : undefined}
          />
        </label>
        {signup && (
          <p id="password-hint" className="hint">
            At least 8 characters; not a common password and not your email.
          </p>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Please wait…' : signup ? 'Create account' : 'Sign in'}
        </button>
        <p className="switch">
          {signup ? (
            <>
              Already have an account?{' '}
              <a href="/login" onClick={switchTo('/login')}>
                Sign in
              </a>
            </>
          ) : (
            <>
              New here?{' '}
              <a href="/signup" onClick={switchTo('/signup')}>
                Create an account
              </a>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
