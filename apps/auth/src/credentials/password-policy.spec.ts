import { passwordProblems } from './password-policy';

describe('passwordProblems', () => {
  const email = 'jane.doe@example.com';

  it('accepts a long passphrase', () => {
    expect(passwordProblems('tulip kettle orbit 42', email)).toEqual([]);
  });

  it('counts characters, not UTF-16 units, for the length', () => {
    expect(passwordProblems('🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑', email)).toContain(
      'password must be at least 12 characters long',
    );
  });

  it('rejects the email or its local part, in any case', () => {
    expect(passwordProblems('JANE.DOE@example.com1', email)).toEqual([
      'password must not contain your email address',
    ]);
    expect(passwordProblems('xx-Jane.Doe-2026-xx', email)).toEqual([
      'password must not contain your email address',
    ]);
  });

  it('ignores a local part too short to be telling', () => {
    expect(passwordProblems('jo is a fine passphrase', 'jo@example.com')).toEqual([]);
  });

  it('reports every problem at once', () => {
    expect(passwordProblems('aaa', email)).toEqual([
      'password must be at least 12 characters long',
    ]);
    expect(passwordProblems('ababababababab', email)).toEqual([
      'password must use at least 4 different characters',
    ]);
  });
});
