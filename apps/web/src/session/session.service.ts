import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@lib/platform';
import type { AppConfig } from '../config';
import { AuthClient, type AuthAnswer, type CallContext } from './auth-client';
import { clearedSessionCookie, sessionCookie } from './session-cookie';

/** What a session endpoint answers: auth's status and body, minus the refresh token. */
export interface SessionAnswer {
  status: number;
  body?: Record<string, unknown>;
  setCookie?: string;
  retryAfter?: string;
}

export interface SessionRequest extends CallContext {
  refreshToken?: string;
  /** The browser reached the platform over https: the cookie can be marked Secure. */
  https: boolean;
}

/**
 * The browser's side of auth's token pair. The access token goes to the page (which keeps it
 * in memory only); the refresh token stays in an HttpOnly cookie that only these endpoints
 * receive, and each refresh rotates it (auth revokes the family if a spent one comes back).
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(AuthClient) private readonly auth: AuthClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(
    credentials: { email: string; password: string },
    request: SessionRequest,
  ): Promise<SessionAnswer> {
    const answer = await this.auth.post('/api/auth/login', credentials, request);
    return this.withTokens(answer, request);
  }

  /** 204 without a cookie: a visitor who never signed in is not an error (nor a console one). */
  async refresh(request: SessionRequest): Promise<SessionAnswer> {
    if (!request.refreshToken) return { status: 204 };
    const answer = await this.auth.post(
      '/api/auth/refresh',
      { refreshToken: request.refreshToken },
      request,
    );
    return this.withTokens(answer, request);
  }

  async logout(request: SessionRequest): Promise<SessionAnswer> {
    if (request.refreshToken) {
      await this.auth.post('/api/auth/logout', { refreshToken: request.refreshToken }, request);
    }
    return { status: 204, setCookie: clearedSessionCookie(this.secure(request)) };
  }

  private withTokens(answer: AuthAnswer, request: SessionRequest): SessionAnswer {
    const { refreshToken, ...rest } = answer.body;
    if (answer.status === 200 && typeof refreshToken === 'string') {
      return {
        status: 200,
        body: rest,
        setCookie: sessionCookie(refreshToken, {
          maxAgeSeconds: this.config.WEB_SESSION_MAX_AGE_SECONDS,
          secure: this.secure(request),
        }),
      };
    }
    return {
      status: answer.status,
      body: answer.body,
      // A refresh token auth refused (spent, revoked, expired) is of no further use.
      ...(answer.status === 401 ? { setCookie: clearedSessionCookie(this.secure(request)) } : {}),
      ...(answer.retryAfter ? { retryAfter: answer.retryAfter } : {}),
    };
  }

  private secure(request: SessionRequest): boolean {
    return this.config.WEB_SECURE_COOKIES || request.https;
  }
}
