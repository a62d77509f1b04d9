import { spawn } from 'node:child_process';
import { loadImages } from '@tools/devcluster';
import {
  appImage,
  buildAppImages,
  defaultTag,
  ensureBaseImage,
  imageId,
  Progress,
  type AppName,
} from '@tools/images';
import type { PushTarget } from './args';

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

/**
 * ci:push: a registry (`docker push <prefix>/<app>:<tag>`, logged in with REGISTRY_USER and
 * REGISTRY_PASSWORD when set) or the dev cluster's containerd, which is what a node pulling
 * from a registry ends up with, without one.
 */
export async function push(apps: AppName[], target: PushTarget, tag = defaultTag()): Promise<void> {
  const local = apps.map((a) => appImage(a, tag));
  for (const ref of local)
    if (!(await imageId(ref))) throw new Error(`${ref} is not built (npm run ci:build)`);
  if (apps.length === 0) {
    log('push', 'no app to push');
    return;
  }
  if (target.kind === 'devcluster') {
    const names = await loadImages(local);
    log('push', `into the dev cluster's containerd: ${names.join(' ')}`);
    return;
  }
  const { REGISTRY_USER: user, REGISTRY_PASSWORD: password } = process.env;
  if (user && password) {
    await docker(
      ['login', target.prefix.split('/')[0], '--username', user, '--password-stdin'],
      password,
    );
  }
  for (const app of apps) {
    const remote = `${target.prefix}/${app}:${tag}`;
    await docker(['tag', appImage(app, tag), remote]);
    await docker(['push', remote]);
    const digest = await docker([
      'image',
      'inspect',
      '--format',
      '{{join .RepoDigests " "}}',
      remote,
    ]);
    log('push', `${remote} ${digest}`);
  }
}
