import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { withDatabase } from '@lib/platform/testing';

/**
 * Each integration run gets databases of its own, so it can run beside `npm start` on the same
 * dev stack: a running payment would otherwise relay the tests' outbox rows under its own topic
 * names, and a test would read rows the platform wrote. Named after the Jest process, so a run
 * that was killed leaves databases the next run recognises as stale and drops.
 */
const POSTGRES_SERVICES = ['auth', 'webtoon', 'payment'] as const;
const MONGO_SERVICES = ['news', 'blog'] as const;
const RUN_DATABASE = /^(auth|webtoon|payment|news|blog)_it_(\d+)$/;

export function runDatabaseName(service: string, pid = process.pid): string {
  return `${service}_it_${pid}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Databases of runs whose process is gone (or of this one, at teardown). */
function disposable(name: string, ownPid: number | undefined): boolean {
  const pid = Number(RUN_DATABASE.exec(name)?.[2] ?? NaN);
  if (Number.isNaN(pid)) return false;
  return pid === ownPid || (pid !== process.pid && !alive(pid));
}

async function dropPostgres(admin: Client, ownPid: number | undefined): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname ~ '_it_[0-9]+$'`,
  );
  for (const { datname } of rows.filter((r) => disposable(r.datname, ownPid))) {
    await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

async function dropMongo(admin: MongoClient, ownPid: number | undefined): Promise<void> {
  const { databases } = await admin.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name } of databases.filter((d) => disposable(d.name, ownPid))) {
    await admin.db(name).dropDatabase();
  }
}

/**
 * Creates this run's databases (dropping those of dead runs) and returns the services'
 * settings pointing at them.
 */
export async function createRunDatabases(
  env: Record<string, string | undefined>,
): Promise<Record<string, string>> {
  const settings: Record<string, string> = {};
  const admin = new Client({ connectionString: env.POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await dropPostgres(admin, undefined);
    for (const service of POSTGRES_SERVICES) {
      const name = runDatabaseName(service);
      await admin.query(`CREATE DATABASE "${name}" OWNER ${service}`);
      const key = `${service.toUpperCase()}_DATABASE_URL`;
      settings[key] = withDatabase(env[key]!, name);
    }
  } finally {
    await admin.end();
  }
  const mongo = new MongoClient(env.MONGODB_ADMIN_URL!);
  try {
    await dropMongo(mongo, undefined);
    for (const service of MONGO_SERVICES) {
      // FerretDB 1.x ignores roles: the service's user, authenticated in its own database,
      // may use the run's database.
      const key = `${service.toUpperCase()}_MONGODB_URL`;
      settings[key] = withDatabase(env[key]!, runDatabaseName(service), service);
    }
  } finally {
    await mongo.close();
  }
  return settings;
}

/** Drops this run's databases. */
export async function dropRunDatabases(env: Record<string, string | undefined>): Promise<void> {
  const admin = new Client({ connectionString: env.POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await dropPostgres(admin, process.pid);
  } finally {
    await admin.end();
  }
  const mongo = new MongoClient(env.MONGODB_ADMIN_URL!);
  try {
    await dropMongo(mongo, process.pid);
  } finally {
    await mongo.close();
  }
}
