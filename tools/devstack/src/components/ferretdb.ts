import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { HOST, MONGO_SERVICES } from '../config';
import { ensureFerretDB } from '../install';
import type { Component, Runtime } from './types';

let bin = '';

const ADMIN = 'devstack';

function adminClient(rt: Runtime): MongoClient {
  const url = `mongodb://${ADMIN}:${rt.creds.mongoAdmin}@${HOST}:${rt.cfg.ports.ferretdb}/admin`;
  return new MongoClient(url, {
    serverSelectionTimeoutMS: 2000,
    connectTimeoutMS: 2000,
  });
}

export const ferretdb: Component = {
  name: 'ferretdb',
  ports: ['ferretdb', 'ferretdbDebug'],
  stopSignal: 'SIGTERM',
  stopGraceMs: 10_000,
  readyTimeoutMs: 30_000,

  async install(rt) {
    bin = await ensureFerretDB(rt.cfg, rt.progress);
  },

  async launch(rt) {
    const dir = join(rt.cfg.dir, 'ferretdb');
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(join(dir, 'state'), { recursive: true });
    return {
      exe: bin,
      args: [
        // SQLite backend: pure Go, one file per MongoDB database under data/
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--listen-addr=${HOST}:${rt.cfg.ports.ferretdb}`,
        `--debug-addr=${HOST}:${rt.cfg.ports.ferretdbDebug}`,
        `--state-dir=${join(dir, 'state')}`,
        '--telemetry=disable',
        // SCRAM authentication (experimental in 1.x, hence the flag's name); without it any
        // client gets in. FerretDB 1.x has no authorization: see docs/devstack.md.
        '--test-enable-new-auth',
        '--setup-database=admin',
        `--setup-username=${ADMIN}`,
        '--log-level=info',
      ],
      // kept off the command line (and so out of `ps`)
      env: { ...process.env, FERRETDB_SETUP_PASSWORD: rt.creds.mongoAdmin },
    };
  },

  async probe(rt) {
    const client = adminClient(rt);
    try {
      const res = await client.db('admin').command({ ping: 1 });
      if (res.ok !== 1) throw new Error(`ping answered ${JSON.stringify(res)}`);
    } finally {
      await client.close();
    }
  },

  /** A user per service database (authentication only: FerretDB 1.x ignores roles). */
  async provision(rt) {
    const client = adminClient(rt);
    try {
      for (const svc of MONGO_SERVICES) {
        const db = client.db(svc);
        const { users } = (await db.command({ usersInfo: svc })) as { users: unknown[] };
        await db.command(
          users.length > 0
            ? { updateUser: svc, pwd: rt.creds[svc] }
            : { createUser: svc, pwd: rt.creds[svc], roles: [] },
        );
      }
    } finally {
      await client.close();
    }
  },
};
