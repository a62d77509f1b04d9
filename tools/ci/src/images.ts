import { spawn } from 'node:child_process';
import {
  appImage,
  buildAppImages,
  defaultTag,
  ensureBaseImage,
  imageId,
  Progress,
  type AppName,
} from '@tools/images';
import { readPushed, writePushed, type Pushed } from './state';

const log = (step: string, line: string) => console.log(`[ci:${step}] ${line}`);

function docker(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`docker: ${e.message}`)));
    child.on('close', (code) =>
      code === 0
        ? resolve(out.trim())
        : reject(new Error(`docker ${args[0]} exited with ${code}: ${err.trim()}`)),
    );
    child.stdin.end(input ?? '');
  });
}

/** ci:build: `microservices-platform/<app>:<tag>` for each app, with tools/images' builder. */
export async function build(apps: AppName[], tag = defaultTag()): Promise<void> {
  if (apps.length === 0) {
    log('build', 'no app to build');
    return;
  }
  const progress = new Progress();
  const base = await ensureBaseImage(progress);
  const built = await buildAppImages(apps, tag, base, progress);
  for (const b of built) log('build', `${b.refs[0]} ${b.sizeMb} MB in ${b.seconds.toFixed(0)} s`);
}

/** The manifest digest `docker push` reports on its last line (`<tag>: digest: sha256:… size: …`). */
export function pushedDigest(output: string): string | undefined {
  return /: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(output)?.[1];
}

/**
 * ci:push: `docker push <registry>/<app>:<tag>` (logged in with REGISTRY_USER and
 * REGISTRY_PASSWORD when set), recording each image's digest for ci:deploy. A registry on
 * loopback (the dev cluster's) needs no login and is reached over plain HTTP.
 */
export async function push(apps: AppName[], registry: string, tag = defaultTag()): Promise<void> {
  for (const app of apps)
    if (!(await imageId(appImage(app, tag))))
      throw new Error(`${appImage(app, tag)} is not built (npm run ci:build)`);
  if (apps.length === 0) {
    log('push', 'no app to push');
    return;
  }
  const { REGISTRY_USER: user, REGISTRY_PASSWORD: password } = process.env;
  if (user && password) {
    await docker(
      ['login', registry.split('/')[0], '--username', user, '--password-stdin'],
      password,
    );
  }
  const earlier = readPushed();
  const pushed: Pushed =
    earlier?.registry === registry && earlier.tag === tag ? earlier : { registry, tag, images: {} };
  for (const app of apps) {
    const remote = `${registry}/${app}:${tag}`;
    const t0 = Date.now();
    await docker(['tag', appImage(app, tag), remote]);
    const digest = pushedDigest(await docker(['push', remote]));
    if (!digest) throw new Error(`docker push ${remote} reported no digest`);
    pushed.images[app] = `${remote}@${digest}`;
    writePushed(pushed);
    log('push', `${pushed.images[app]} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
}
