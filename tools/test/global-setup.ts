import { ensureStack } from '@tools/devstack';
import { createRunDatabases } from './run-databases';

/**
 * Integration tests run against the real dev stack: bring it up when it is not running
 * (a second call returns in seconds), give this run databases of its own (so it can run
 * beside `npm start`), and hand the addresses to the test workers via env.
 */
export default async function globalSetup(): Promise<void> {
  const env = await ensureStack();
  for (const [name, value] of Object.entries(env)) {
    process.env[name] ??= value;
  }
  Object.assign(process.env, await createRunDatabases(process.env));
}
