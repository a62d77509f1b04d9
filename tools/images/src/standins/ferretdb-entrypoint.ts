import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { MongoClient } from 'mongodb';

/**
 * The local stand-in for the official mongo image (bundled into the image by the images
 * tool): FerretDB with the root user of MONGO_INITDB_ROOT_USERNAME/PASSWORD, and on the first
 * start the /docker-entrypoint-initdb.d/*.js scripts, run against a `db` object with the part
 * of mongosh's API they use (getSiblingDB, createUser). FerretDB 1.x authenticates users but
 * has no roles: each service's user reaches its database, not only its own.
 */
const DATA = '/data/db';
const INIT_DIR = '/docker-entrypoint-initdb.d';
const MARKER = join(DATA, '.initdb-done');
const root = process.env.MONGO_INITDB_ROOT_USERNAME ?? 'root';
const password = process.env.MONGO_INITDB_ROOT_PASSWORD ?? '';
if (!password) {
  console.error('MONGO_INITDB_ROOT_PASSWORD must be set');
  process.exit(1);
}

const server = spawn(
  'ferretdb',
  [
    '--handler=sqlite',
    `--sqlite-url=file:${DATA}/`,
    '--listen-addr=:27017',
    '--state-dir=/data/state',
    '--telemetry=disable',
    '--test-enable-new-auth',
    '--setup-database=admin',
    `--setup-username=${root}`,
    '--log-level=warn',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env: { ...process.env, FERRETDB_SETUP_PASSWORD: password } },
);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

async function initOnce(): Promise<void> {
  if (existsSync(MARKER)) return;
  const url = `mongodb://${encodeURIComponent(root)}:${encodeURIComponent(password)}@127.0.0.1:27017/admin`;
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1000 });
  for (let tries = 0; ; tries++) {
    try {
      await client.db('admin').command({ ping: 1 });
      break;
    } catch (err) {
      if (tries > 120) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const pending: Promise<unknown>[] = [];
  const db = {
    getSiblingDB: (name: string) => ({
      createUser: (user: { user: string; pwd: string }) => {
        pending.push(client.db(name).command({ createUser: user.user, pwd: user.pwd, roles: [] }));
      },
    }),
  };
  const scripts = existsSync(INIT_DIR)
    ? readdirSync(INIT_DIR).filter((f) => f.endsWith('.js'))
    : [];
  for (const file of scripts.sort()) {
    console.log(`running ${join(INIT_DIR, file)}`);
    runInNewContext(readFileSync(join(INIT_DIR, file), 'utf8'), {
      db,
      process: { env: process.env },
    });
    await Promise.all(pending.splice(0));
  }
  writeFileSync(MARKER, new Date().toISOString());
  await client.close();
}

initOnce().catch((err: Error) => {
  console.error(`initialisation failed: ${err.message}`);
  server.kill('SIGTERM');
  process.exitCode = 1;
});
