import { ensureStack } from '@tools/devstack';

/**
 * Integration tests run against the real dev stack: bring it up when it is not running
 * (a second call returns in seconds) and hand its addresses to the test workers via env.
 */
export default async function globalSetup(): Promise<void> {
  const env = await ensureStack();
  for (const [name, value] of Object.entries(env)) {
    process.env[name] ??= value;
  }
}
