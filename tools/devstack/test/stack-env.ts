import { readStackEnv, type StackEnv } from '../src';

/**
 * The stack's own settings as `npm run stack:up` wrote them (jest's globalSetup brought the
 * stack up). Not process.env: there the services' databases are this test run's own.
 */
export function stackEnv(): StackEnv {
  return readStackEnv();
}

export async function eventually<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
  );
}
