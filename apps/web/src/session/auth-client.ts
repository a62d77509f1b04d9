import { request } from 'undici';
import type { ServiceInstance } from '@lib/platform';

export interface AuthAnswer {
  status: number;
  body: Record<string, unknown>;
  /** Headers worth passing on to the browser (Retry-After of a throttled login). */
  retryAfter?: string;
}

export interface CallContext {
  requestId: string;
  /** X-Forwarded-For as auth should see it: the client first, then each proxy. */
  forwardedFor: string;
  userAgent?: string;
}

/** No passing auth instance, or none answered: the session endpoints say so as a 503. */
export class AuthUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('auth is unavailable', { cause });
    this.name = 'AuthUnavailableError';
  }
}

/**
 * Calls auth's public endpoints on its passing instances (kept current by a Consul watcher),
 * round-robin, like the gateway would: the session endpoints are auth's API with the refresh
 * token moved from the body into a cookie, nothing more.
 */
export class AuthClient {
  private instances: readonly ServiceInstance[] = [];
  private next = 0;

  constructor(private readonly timeoutMs: number) {}

  setInstances(instances: readonly ServiceInstance[]): void {
    this.instances = instances;
  }

  async post(path: string, body: unknown, context: CallContext): Promise<AuthAnswer> {
    if (this.instances.length === 0) throw new AuthUnavailableError();
    const instance = this.instances[this.next++ % this.instances.length];
    try {
      const response = await request(`http://${instance.address}:${instance.port}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': context.requestId,
          'x-forwarded-for': context.forwardedFor,
          ...(context.userAgent ? { 'user-agent': context.userAgent } : {}),
        },
        body: JSON.stringify(body),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const text = await response.body.text();
      const retryAfter = response.headers['retry-after'];
      return {
        status: response.statusCode,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
      };
    } catch (error) {
      throw new AuthUnavailableError(error);
    }
  }
}
