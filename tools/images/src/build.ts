import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureArtifacts } from '@tools/devstack';
import { build as esbuild } from 'esbuild';
import { CACHE_DIR, imageSizeMb, LOG_DIR, REPO_ROOT } from './engine';
import { Progress, resetLog, run } from './run';
import {
  APP_REPOSITORY,
  INFRA_IMAGES,
  loadImage,
  localInfraImage,
  POSTGRES_VERSION,
  type AppName,
  type InfraName,
} from './versions';

export interface BuiltImage {
  name: string;
  refs: string[];
  sizeMb: number;
  seconds: number;
}

/** The commit's short sha, with `-dirty` when the work tree has changes: never reused for other code. */
export function defaultTag(): string {
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const sha = git(['rev-parse', '--short=12', 'HEAD']);
  return git(['status', '--porcelain', '--untracked-files=no']) ? `${sha}-dirty` : sha;
}

export function appImage(app: AppName, tag: string): string {
  return `${APP_REPOSITORY}/${app}:${tag}`;
}

/**
 * `docker build` with the classic builder: BuildKit would fetch its frontend image from a
 * registry. Host networking so `npm ci` and apt reach the package registries the host does.
 */
async function dockerBuild(
  what: string,
  context: string,
  tags: string[],
  buildArgs: Record<string, string>,
  progress: Progress,
  extra: string[] = [],
): Promise<number> {
  const log = join(LOG_DIR, `${what}.log`);
  resetLog(log);
  const start = Date.now();
  let cached = 0;
  let pending: string | undefined;
  await run(
    'docker',
    [
      'build',
      '--network=host',
      '--force-rm',
      ...Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
      ...tags.flatMap((t) => ['-t', t]),
      ...extra,
      context,
    ],
    {
      log,
      env: { DOCKER_BUILDKIT: '0' },
      onLine: (line) => {
        if (line.includes('Using cache')) cached++;
        const step = /^Step (\d+\/\d+) : (.{0,70})/.exec(line);
        if (step) pending = `step ${step[1]} ${step[2]}`;
        // Only the steps that really run (not those served from the layer cache) are shown.
        else if (pending && line.startsWith(' ---> Running in')) {
          progress.line(what, pending);
          pending = undefined;
        }
      },
    },
  );
  progress.line(what, `built in ${progress.since(start)} (${cached} cached steps; log ${log})`);
  return (Date.now() - start) / 1000;
}

/** All six apps from the one Dockerfile; the steps before `ARG APP` are shared (one npm ci). */
export async function buildAppImages(
  apps: readonly AppName[],
  tag: string,
  nodeImage: string | undefined,
  progress: Progress,
): Promise<BuiltImage[]> {
  const built: BuiltImage[] = [];
  for (const app of apps) {
    const refs = [appImage(app, tag), appImage(app, 'dev')];
    const secs = await dockerBuild(
      app,
      REPO_ROOT,
      refs,
      { APP: app, ...(nodeImage ? { NODE_IMAGE: nodeImage } : {}) },
      progress,
      ['-f', join(REPO_ROOT, 'Dockerfile')],
    );
    built.push({ name: app, refs, sizeMb: await imageSizeMb(refs[0]), seconds: secs });
  }
  return built;
}

const MONGODB_OPTIONAL = [
  'kerberos',
  '@mongodb-js/zstd',
  'snappy',
  'mongodb-client-encryption',
  '@aws-sdk/credential-providers',
  'gcp-metadata',
  'socks',
  'aws4',
];

/** Copies docker/local/<name> and the dev stack's artefact for it into a fresh build context. */
async function infraContext(name: InfraName, progress: Progress): Promise<string> {
  const art = await ensureArtifacts();
  const ctx = join(CACHE_DIR, 'image-contexts', name);
  rmSync(ctx, { recursive: true, force: true });
  mkdirSync(ctx, { recursive: true });
  const template = join(REPO_ROOT, 'docker', 'local', name === 'mongo' ? 'ferretdb' : name);
  cpSync(template, ctx, { recursive: true });
  const copyBin = (from: string, to: string) => {
    cpSync(from, join(ctx, to));
    chmodSync(join(ctx, to), 0o755);
  };
  switch (name) {
    case 'kafka':
      cpSync(art.kafkaLibs, join(ctx, 'libs'), { recursive: true });
      break;
    case 'consul':
      copyBin(art.consul, 'consul');
      break;
    case 'prometheus':
      copyBin(art.prometheus, 'prometheus');
      copyBin(art.promtool, 'promtool');
      break;
    case 'postgres':
      cpSync(art.postgresNative, join(ctx, 'native'), { recursive: true, verbatimSymlinks: true });
      break;
    case 'mongo': {
      copyBin(art.ferretdb, 'ferretdb');
      for (const script of ['entrypoint', 'healthcheck']) {
        await esbuild({
          entryPoints: [join(__dirname, 'standins', `ferretdb-${script}.ts`)],
          bundle: true,
          platform: 'node',
          target: 'node20',
          outfile: join(ctx, `${script}.js`),
          external: MONGODB_OPTIONAL,
          logLevel: 'error',
        });
      }
      break;
    }
  }
  progress.line(name, `build context ready`);
  return ctx;
}

/** The local stand-ins for the infrastructure images, on the local Node.js base. */
export async function buildInfraImages(
  names: readonly InfraName[],
  nodeImage: string,
  progress: Progress,
): Promise<BuiltImage[]> {
  const built: BuiltImage[] = [];
  for (const name of names) {
    const ref = localInfraImage(name);
    const ctx = await infraContext(name, progress);
    const secs = await dockerBuild(
      name,
      ctx,
      [ref],
      { BASE_IMAGE: nodeImage, PG_VERSION: POSTGRES_VERSION },
      progress,
    );
    built.push({ name, refs: [ref], sizeMb: await imageSizeMb(ref), seconds: secs });
  }
  return built;
}

/**
 * The load generator: its CLI bundled by esbuild into one file (no npm install in the image),
 * on the local Node.js base. Tagged like the apps: `tag` and `dev`.
 */
export async function buildLoadImage(
  tag: string,
  nodeImage: string,
  progress: Progress,
): Promise<BuiltImage> {
  const ctx = join(CACHE_DIR, 'image-contexts', 'load');
  rmSync(ctx, { recursive: true, force: true });
  mkdirSync(ctx, { recursive: true });
  cpSync(join(REPO_ROOT, 'tools', 'load', 'Dockerfile'), join(ctx, 'Dockerfile'));
  await esbuild({
    entryPoints: [join(REPO_ROOT, 'tools', 'load', 'src', 'cli.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile: join(ctx, 'load.js'),
    tsconfig: join(REPO_ROOT, 'tsconfig.base.json'),
    logLevel: 'error',
  });
  const refs = [loadImage(tag), loadImage('dev')];
  const secs = await dockerBuild('load', ctx, refs, { BASE_IMAGE: nodeImage }, progress);
  return { name: 'load', refs, sizeMb: await imageSizeMb(refs[0]), seconds: secs };
}

export const INFRA_NAMES = Object.keys(INFRA_IMAGES) as InfraName[];
