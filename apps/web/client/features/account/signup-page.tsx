import { useState, type FormEvent } from 'react';
import { navigate, queryParam, useLocation } from '../../router';
import { signUp } from '../../session/session-store';
import { ErrorMessage, Link, Problems } from '../../ui/status';
import { useSubmit } from '../../ui/use-submit';
import { safeNext, signUpProblems } from './account-forms';

export function SignupPage() {
  const location = useLocation();
  const next = safeNext(queryParam(location, 'next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const { problems, error, busy, run } = useSubmit();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(signUpProblems(email, password, displayName), async () => {
      await signUp(email.trim(), password, displayName.trim());
      navigate(next, { replace: true });
    });
  };

  return (
    <form onSubmit={submit} className="panel narrow" aria-labelledby="signup-title" noValidate>
      <h1 id="signup-title">Create an account</h1>
      <p className="muted">New readers get a welcome bonus of coins in their wallet.</p>
      <label htmlFor="signup-name">Display name</label>
      <input
        id="signup-name"
        autoComplete="nickname"
        value={displayName}
        onChange={(e) => setDisplayName(e.target.value)}
        required
      />
      <label htmlFor="signup-email">Email</label>
      <input
        id="signup-email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        required
      />
      <label htmlFor="signup-password">Password</label>
      <input
        id="signup-password"
        type="password"
        autoComplete="new-password"
        aria-describedby="signup-password-help"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
      />
      <p id="signup-password-help" className="muted">
        12 to 128 characters; a passphrase works well.
      </p>
      <button type="submit" disabled={busy}>
        Sign up
      </button>
      <Problems problems={problems} />
      {error && <ErrorMessage error={error} />}
      <p>
        Already have an account? <Link to={`/login?next=${encodeURIComponent(next)}`}>Log in</Link>
      </p>
    </form>
  );
}
