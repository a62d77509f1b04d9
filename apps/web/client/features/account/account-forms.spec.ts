import { safeNext, signUpProblems } from './account-forms';

describe('signUpProblems', () => {
  it('accepts what auth accepts', () => {
    expect(signUpProblems('reader@example.com', 'correct horse battery', 'Reader')).toEqual([]);
  });

  it('lists every problem at once', () => {
    expect(signUpProblems('not-an-email', 'short', '')).toEqual([
      'Enter a valid email address.',
      'The password needs 12 to 128 characters.',
      'Choose a display name of 1 to 64 characters.',
    ]);
    expect(signUpProblems('a@b.co', 'aaaaaaaaaaaaaa', 'A')).toEqual([
      'The password needs at least 4 different characters.',
    ]);
  });
});

describe('safeNext', () => {
  it('keeps paths of this site and drops anything else', () => {
    expect(safeNext('/wallet')).toBe('/wallet');
    expect(safeNext('/series/1/episodes/2?x=1')).toBe('/series/1/episodes/2?x=1');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext(undefined)).toBe('/');
  });
});
