import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { ensureBaseImage } from './base';
import { buildAppImages, buildInfraImages, INFRA_NAMES } from './build';
import { imageId, LOG_DIR, REPO_ROOT, requireEngine } from './engine';
import { ImageError, Progress, run } from './run';
import { APPS, localInfraImage, type InfraName } from './versions';

export const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.yml');
export const LOCAL_OVERRIDE = join(REPO_ROOT, 'docker-compose.local.yml');

export interface ComposeOptions {
  /** Compose project name (default: the folder's, as compose itself would pick). */
  project?: string;
  /** An env file instead of the repo's .env. */
  envFile?: string;
  /** Extra variables (host ports, IMAGE_TAG) on top of the process environment. */
  env?: NodeJS.ProcessEnv;
  /** Official images from a registry instead of the local stand-ins. */
  official?: boolean;
}

/** `docker compose` (v2 plugin) where there is one, else Debian's `docker-compose` (1.29). */
let composeCmd: Promise<string[]> | undefined;
function composeCommand(): Promise<string[]> {
  composeCmd ??= new Promise((resolve) =>
    execFile('docker', ['compose', 'version'], (err) =>
      resolve(err ? ['docker-compose'] : ['docker', 'compose']),
    ),
  );
  return composeCmd;
}

function baseArgs(opts: ComposeOptions): string[] {
  return [
    ...(opts.project ? ['-p', opts.project] : []),
    ...(opts.envFile ? ['--env-file', opts.envFile] : []),
    '-f',
    COMPOSE_FILE,
    ...(opts.official ? [] : ['-f', LOCAL_OVERRIDE]),
  ];
}

export async function compose(
  opts: ComposeOptions,
  args: string[],
  log = join(LOG_DIR, 'compose.log'),
): Promise<string> {
  const [cmd, ...pre] = await composeCommand();
  const { stdout } = await run(cmd, [...pre, ...baseArgs(opts), ...args], {
    log,
    cwd: REPO_ROOT,
    env: opts.env,
  });
  return stdout;
}

/** Variables the compose file requires (`${NAME:?…}`) that neither the env file nor env sets. */
export function missingVariables(
  composeText: string,
  envFileText: string | undefined,
  env: NodeJS.ProcessEnv,
): string[] {
  const required = new Set([...composeText.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]));
  const fromFile = new Map(
    (envFileText ?? '')
      .split('\n')
      .map((l) => /^\s*(\w+)\s*=\s*(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2].trim()]),
  );
  return [...required].filter((name) => !env[name] && !fromFile.get(name)).sort();
}

function checkVariables(opts: ComposeOptions): void {
  const envFile = opts.envFile ?? join(REPO_ROOT, '.env');
  const text = existsSync(envFile) ? readFileSync(envFile, 'utf8') : undefined;
  const missing = missingVariables(readFileSync(COMPOSE_FILE, 'utf8'), text, {
    ...process.env,
    ...opts.env,
  });
  if (missing.length === 0) return;
  throw new ImageError(
    text === undefined
      ? `${envFile} does not exist: cp .env.example .env and set ${missing.join(', ')}`
      : `${envFile} does not set ${missing.join(', ')} (see .env.example)`,
  );
}

interface ContainerState {
  name: string;
  service: string;
  state: string;
  health?: string;
  exitCode: number;
}

export async function containers(project: string): Promise<ContainerState[]> {
  const log = join(LOG_DIR, 'compose.log');
  const { stdout } = await run(
    'docker',
    ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`],
    { log },
  );
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const inspected = JSON.parse((await run('docker', ['inspect', ...ids], { log })).stdout) as {
    Name: string;
    Config: { Labels: Record<string, string> };
    State: { Status: string; ExitCode: number; Health?: { Status: string } };
  }[];
  return inspected.map((c) => ({
    name: c.Name.replace(/^\//, ''),
    service: c.Config.Labels['com.docker.compose.service'],
    state: c.State.Status,
    health: c.State.Health?.Status,
    exitCode: c.State.ExitCode,
  }));
}

/** Compose's default project name: the folder's name, lower case, [a-z0-9_-] only. */
export function defaultProject(): string {
  return basename(REPO_ROOT)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '');
}

/** Waits until every container of the project is healthy; names the one that is not. */
export async function waitHealthy(
  project: string,
  expected: number,
  progress: Progress,
  timeoutMs = 300_000,
): Promise<ContainerState[]> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const list = await containers(project);
    const bad = list.find(
      (c) => c.state === 'exited' || c.state === 'dead' || c.health === 'unhealthy',
    );
    if (bad) {
      const logs = await run('docker', ['logs', '--tail', '8', bad.name], {
        log: join(LOG_DIR, 'compose.log'),
      }).then(
        (r) => r.output.trimEnd(),
        () => '',
      );
      throw new ImageError(
        `${bad.service} is ${bad.health ?? bad.state} (exit code ${bad.exitCode}); last lines of \`docker logs ${bad.name}\`:\n${logs}`,
      );
    }
    const waiting = list.filter((c) => c.health !== 'healthy').map((c) => c.service);
    if (list.length >= expected && waiting.length === 0) return list;
    const now = `${list.length - waiting.length}/${Math.max(expected, list.length)} healthy${waiting.length ? `, waiting for ${[...new Set(waiting)].join(' ')}` : ''}`;
    if (now !== last) progress.line('compose', now);
    last = now;
    if (Date.now() > deadline) throw new ImageError(`not healthy in time: ${now}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Every image the local run needs exists, or is built now (apps are rebuilt from cache). */
async function ensureLocalImages(
  opts: { build: boolean; tag: string },
  progress: Progress,
): Promise<void> {
  const base = await ensureBaseImage(progress);
  const missingInfra: InfraName[] = [];
  for (const name of INFRA_NAMES)
    if (!(await imageId(localInfraImage(name)))) missingInfra.push(name);
  if (missingInfra.length > 0) await buildInfraImages(missingInfra, base, progress);
  if (opts.build) await buildAppImages(APPS, opts.tag, base, progress);
}

export async function composeUp(
  opts: ComposeOptions & { build?: boolean; scale?: Record<string, number> },
  progress: Progress,
): Promise<ContainerState[]> {
  await requireEngine();
  checkVariables(opts);
  const project = opts.project ?? defaultProject();
  const tag = opts.env?.IMAGE_TAG ?? 'dev';
  if (!opts.official) await ensureLocalImages({ build: opts.build ?? true, tag }, progress);
  const scale = Object.entries(opts.scale ?? {}).flatMap(([s, n]) => ['--scale', `${s}=${n}`]);
  progress.line('compose', `up (project ${project})`);
  await compose({ ...opts, project }, [
    'up',
    '-d',
    ...(opts.official ? ['--build'] : ['--no-build']),
    '--remove-orphans',
    ...scale,
  ]);
  const defined = (
    parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
      services: Record<string, { profiles?: string[] }>;
    }
  ).services;
  // A service in a profile (the load generator) is not started by a plain `up`.
  const services = Object.keys(defined).filter(
    (s) => !defined[s].profiles?.length && (opts.official || s !== 'grafana'),
  );
  const expected =
    services.length + Object.values(opts.scale ?? {}).reduce((sum, n) => sum + n - 1, 0);
  return waitHealthy(project, expected, progress);
}

export async function composeDown(
  opts: ComposeOptions & { volumes?: boolean },
  progress: Progress,
): Promise<void> {
  await requireEngine();
  const project = opts.project ?? defaultProject();
  progress.line('compose', `down (project ${project})${opts.volumes ? ', volumes too' : ''}`);
  await compose({ ...opts, project }, [
    'down',
    '--remove-orphans',
    '--timeout',
    '30',
    ...(opts.volumes ? ['-v'] : []),
  ]);
}
