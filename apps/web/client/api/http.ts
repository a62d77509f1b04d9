import { ApiError, type ErrorBody } from './errors';

export interface RequestOptions {
  body?: unknown;
  /** For POSTs that move money or start a purchase: a retry must not do it twice. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Revalidate instead of using the browser's copy: after a write, public reads may be cached. */
  fresh?: boolean;
  /** `Prefer: wait=N`: the API may hold the answer up to N seconds until the state changes. */
  waitSeconds?: number;
}

/** How the API layer reaches the session without importing it (the session uses this layer). */
export interface SessionHooks {
  accessToken(): string | undefined;
  /** Gets a new access token with the session cookie; false when the session is over. */
  refresh(): Promise<boolean>;
  expired(): void;
}

let hooks: SessionHooks = {
  accessToken: () => undefined,
  refresh: async () => false,
  expired: () => undefined,
};

export function connectSession(session: SessionHooks): void {
  hooks = session;
}

/** One call to the platform, through the gateway on this origin. Throws ApiError. */
export async function call<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const hadToken = hooks.accessToken() !== undefined;
  const response = await send(method, path, options);
  if (response.status === 401 && hadToken) {
    // The access token expired (15 min): refresh once with the cookie and try again.
    if (await hooks.refresh()) return parse<T>(await send(method, path, options));
    hooks.expired();
  }
  return parse<T>(response);
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = hooks.accessToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  if (options.waitSeconds) headers.prefer = `wait=${options.waitSeconds}`;
  try {
    return await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
      cache: options.fresh ? 'no-cache' : 'default',
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, {});
  }
}

/** Reads a response: the JSON body on success, an ApiError with the error body otherwise. */
export async function parse<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok) return body as T;
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new ApiError(
    response.status,
    (typeof body === 'object' && body !== null ? body : {}) as ErrorBody,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}
