import { useState, type FormEvent } from 'react';
import { navigate, queryParam, useLocation } from '../../router';
import { logIn, useSession } from '../../session/session-store';
import { ErrorMessage, Link } from '../../ui/status';
import { safeNext } from './account-forms';

export function LoginPage() {
  const location = useLocation();
  const session = useSession();
  const next = safeNext(queryParam(location, 'next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      await logIn(email.trim(), password);
      navigate(next, { replace: true });
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(event) => void submit(event)}
      className="panel narrow"
      aria-labelledby="login-title"
    >
      <h1 id="login-title">Log in</h1>
      {session.status === 'signed-out' && session.expired && (
        <p role="status" className="muted">
          Your session ended. Log in again to carry on where you were.
        </p>
      )}
      <label htmlFor="login-email">Email</label>
      <input
        id="login-email"
        type="email"
        autoComplete="username"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        required
      />
      <label htmlFor="login-password">Password</label>
      <input
        id="login-password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
      />
      <button type="submit" disabled={busy}>
        Log in
      </button>
      {error && <ErrorMessage error={error} />}
      <p>
        New here? <Link to={`/signup?next=${encodeURIComponent(next)}`}>Create an account</Link>
      </p>
    </form>
  );
}
