/** An answer of the platform: its status and its JSON body (undefined when empty). */
export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of several services
  body: any;
}

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, labelled JSON: for malformed or oversized bodies. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * Requests to a running copy of the platform, as a client sends them through the gateway.
 * `base` may be given late (a function) when the gateway's port is only known once it started.
 */
export function platformClient(
  base: string | (() => string),
): (method: string, path: string, options?: RequestOptions) => Promise<Reply> {
  return async (method, path, options = {}) => {
    const body =
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(`${typeof base === 'string' ? base : base()}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}
