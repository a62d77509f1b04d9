import { readStackEnv, type StackEnv } from '../src';

/**
 * The settings jest's globalSetup exported (it runs ensureStack), falling back to
 * .devstack/stack.env when a spec is run on its own against a running stack.
 */
export function stackEnv(): StackEnv {
  const file = readStackEnv();
  const env = { ...file };
  for (const key of Object.keys(file)) env[key] = process.env[key] ?? file[key];
  return env;
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
