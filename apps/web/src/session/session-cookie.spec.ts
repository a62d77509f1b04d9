import { clearedSessionCookie, readSessionCookie, sessionCookie } from './session-cookie';

const token = 'c29tZS1yZWZyZXNoLXRva2VuLXZhbHVl_-';

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Strict and scoped to /session', () => {
    const cookie = sessionCookie(token, { maxAgeSeconds: 60, secure: false });
    expect(cookie).toBe(
      `web_session=${token}; Path=/session; Max-Age=60; HttpOnly; SameSite=Strict`,
    );
    expect(sessionCookie(token, { maxAgeSeconds: 60, secure: true })).toMatch(/; Secure$/);
  });

  it('is cleared with an empty value that expires at once', () => {
    expect(clearedSessionCookie(false)).toBe(
      'web_session=; Path=/session; Max-Age=0; HttpOnly; SameSite=Strict',
    );
  });

  it('is read from a Cookie header among others', () => {
    expect(readSessionCookie(`a=1; web_session=${token}; b=2`)).toBe(token);
    expect(readSessionCookie(`web_session=${token}`)).toBe(token);
  });

  it('is ignored when absent or not shaped like a refresh token', () => {
    expect(readSessionCookie(undefined)).toBeUndefined();
    expect(readSessionCookie('other=1')).toBeUndefined();
    expect(readSessionCookie('web_session=')).toBeUndefined();
    expect(readSessionCookie('web_session=short')).toBeUndefined();
    expect(readSessionCookie(`web_session=${token}"<script>`)).toBeUndefined();
    expect(readSessionCookie(`xweb_session=${token}`)).toBeUndefined();
  });
});
