import { useSyncExternalStore } from 'react';
import { ApiError, SIGNUP_NOT_SIGNED_IN } from '../api/errors';
import { call, connectSession, parse } from '../api/http';
import type { AccessToken, User } from '../api/types';
import { navigate } from '../router';
import { forgetDrafts } from '../ui/drafts';

export type SessionState =
  | { status: 'restoring' }
  | { status: 'signed-out'; expired?: boolean }
  | { status: 'signed-in'; user: User };

/**
 * The access token lives in this module's memory only: not in localStorage, not in a
 * readable cookie, so a reload forgets it and nothing on disk can leak it. The refresh token
 * is an HttpOnly cookie that only the web service's /session endpoints receive; a reload
 * restores the session with one POST /session/refresh, and a timer refreshes a minute
 * before the access token expires (auth rotates the refresh token each time).
 */
let accessToken: string | undefined;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | undefined;
let state: SessionState = { status: 'restoring' };
const listeners = new Set<() => void>();

function setState(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function useSession(): SessionState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}

/** A header the session endpoints require, which no cross-site form can send. */
const SESSION_HEADER = { 'x-requested-with': 'web' };

async function sessionCall(path: string, body?: unknown): Promise<Response> {
  try {
    return await fetch(path, {
      method: 'POST',
      // A JSON content type with no body is a 400: send the type only with a body.
      headers:
        body === undefined
          ? SESSION_HEADER
          : { ...SESSION_HEADER, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, {});
  }
}

async function adopt(token: AccessToken): Promise<void> {
  accessToken = token.accessToken;
  clearTimeout(refreshTimer);
  const inMs = Math.max(5, token.expiresIn - 60) * 1000;
  refreshTimer = setTimeout(() => void refresh(), inMs);
  const user = await call<User>('GET', '/api/auth/me');
  setState({ status: 'signed-in', user });
}

function forget(expired: boolean): void {
  accessToken = undefined;
  clearTimeout(refreshTimer);
  setState({ status: 'signed-out', expired });
}

/** One refresh at a time: parallel 401s share it (a second use of a spent token revokes all). */
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const response = await sessionCall('/session/refresh');
      if (response.status !== 200) return false;
      const token = await parse<AccessToken>(response);
      accessToken = token.accessToken;
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => void refresh(), Math.max(5, token.expiresIn - 60) * 1000);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

connectSession({
  accessToken: () => accessToken,
  refresh,
  expired: () => {
    if (state.status !== 'signed-in') return;
    forget(true);
    const here = window.location.pathname + window.location.search;
    navigate(`/login?next=${encodeURIComponent(here)}`);
  },
});

/** On page load: a session cookie from an earlier visit gives a fresh access token. */
export async function restoreSession(): Promise<void> {
  try {
    const response = await sessionCall('/session/refresh');
    if (response.status === 200) {
      await adopt(await parse<AccessToken>(response));
      return;
    }
  } catch {
    // Unreachable right now: the reader can still browse and log in again.
  }
  forget(false);
}

export async function logIn(email: string, password: string): Promise<void> {
  await adopt(await parse<AccessToken>(await sessionCall('/session/login', { email, password })));
}

/**
 * Signs up, then logs in. Signup answers alike for a new and an already registered email
 * (docs/auth.md), so nobody can probe which emails have accounts; the login that follows fails
 * when the email belonged to an account with another password, and that ends in one neutral
 * sentence.
 */
export async function signUp(email: string, password: string, displayName: string): Promise<void> {
  try {
    await call('POST', '/api/auth/signup', { body: { email, password, displayName } });
    await logIn(email, password);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      throw new ApiError(error.status, { code: SIGNUP_NOT_SIGNED_IN });
    }
    throw error;
  }
}

export async function logOut(): Promise<void> {
  try {
    await sessionCall('/session/logout');
  } finally {
    forgetDrafts();
    forget(false);
  }
}
