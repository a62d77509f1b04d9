/** The checks a form can make before asking auth; auth's own messages are shown too. */
export function signUpProblems(email: string, password: string, displayName: string): string[] {
  const problems: string[] = [];
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()))
    problems.push('Enter a valid email address.');
  const length = [...password].length;
  if (length < 12 || length > 128) problems.push('The password needs 12 to 128 characters.');
  else if (new Set(password).size < 4)
    problems.push('The password needs at least 4 different characters.');
  const name = displayName.trim();
  if (name.length === 0 || name.length > 64)
    problems.push('Choose a display name of 1 to 64 characters.');
  return problems;
}

/** Only a path of this site may follow a login, never another origin (an open redirect). */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : '/';
}
