import { useState, type FormEvent } from 'react';
import { navigate, queryParam, useLocation } from '../../router';
import { logIn, useSession } from '../../session/session-store';
import { ErrorMessage, Link } from '../../ui/status';
import { useSubmit } from '../../ui/use-submit';
import { safeNext } from './account-forms';

export function LoginPage() {
  const location = useLocation();
  const session = useSession();
  const next = safeNext(queryParam(location, 'next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { error, busy, run } = useSubmit();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run([], async () => {
      await logIn(email.trim(), password);
      navigate(next, { replace: true });
    });
  };

  return (
    <form onSubmit={submit} className="panel narrow" aria-labelledby="login-title">
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
