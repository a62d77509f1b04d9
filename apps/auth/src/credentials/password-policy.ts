export const PASSWORD_MIN_LENGTH = 12;
/** Long enough for any passphrase; the bound keeps a single login from costing unbounded CPU. */
export const PASSWORD_MAX_LENGTH = 128;

/**
 * What is wrong with a new password, one message per problem (empty when acceptable). Length
 * is what makes a password strong (NIST SP 800-63B); containing the email makes it guessable.
 */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push(`password must be at least ${PASSWORD_MIN_LENGTH} characters long`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push(`password must be at most ${PASSWORD_MAX_LENGTH} characters long`);
  }
  const lowered = password.toLowerCase();
  const localPart = email.split('@')[0] ?? '';
  if (
    email &&
    (lowered.includes(email) || (localPart.length >= 4 && lowered.includes(localPart)))
  ) {
    problems.push('password must not contain your email address');
  }
  if (length >= PASSWORD_MIN_LENGTH && new Set(password).size < 4) {
    problems.push('password must use at least 4 different characters');
  }
  return problems;
}
