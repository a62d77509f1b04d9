import { dropRunDatabases } from './run-databases';

/** Drops the databases global-setup created for this run. */
export default async function globalTeardown(): Promise<void> {
  await dropRunDatabases(process.env);
}
