import { spawn } from 'node:child_process';
import { readClusterEnv, type ClusterEnv } from './env';
import { tool } from './host';
import { containerdName } from './image';
import { runCapture } from './kubectl';
import { up } from './cluster';

export type { ClusterEnv } from './env';
export { readClusterEnv } from './env';
export { PLATFORM_NAMESPACE } from './config';
export { containerdName } from './image';
export { missingPrerequisites } from './host';
export { down, status, up } from './cluster';

/**
 * Brings the dev cluster up unless it already runs (then this takes a second or two) and
 * returns its settings. Needs root; see docs/devcluster.md.
 */
export function ensureCluster(opts: { quiet?: boolean } = {}): Promise<ClusterEnv> {
  return up(opts);
}

/** Runs the cluster's kubectl as cluster admin; resolves with stdout, rejects with stderr. */
export async function kubectl(args: string[], opts: { input?: string } = {}): Promise<string> {
  const env = readClusterEnv();
  const r = await runCapture(env.KUBECTL, args, {
    input: opts.input,
    env: { KUBECONFIG: env.KUBECONFIG },
    timeoutMs: 120_000,
  });
  if (r.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} exited with ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Copies images from the local Docker engine (`docker save`) into the cluster's containerd
 * (namespace k8s.io), where kubelet finds them without pulling. Resolves with the names
 * containerd gives them (`microservices-platform/x:tag` becomes
 * `docker.io/microservices-platform/x:tag`; `localhost/x:tag` stays as it is); a pod spec
 * may use either spelling, with `imagePullPolicy: IfNotPresent` or `Never`.
 */
export async function loadImages(imageRefs: string[]): Promise<string[]> {
  if (imageRefs.length === 0) return [];
  const env = readClusterEnv();
  const ctr = tool('ctr');
  const ctrArgs = ['--address', env.CONTAINERD_ADDRESS, '-n', 'k8s.io'];
  await new Promise<void>((resolve, reject) => {
    const save = spawn('docker', ['save', ...imageRefs], { stdio: ['ignore', 'pipe', 'pipe'] });
    const load = spawn(ctr, [...ctrArgs, 'images', 'import', '-'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let errors = '';
    save.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    load.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    save.stdout.pipe(load.stdin);
    const codes: Promise<number>[] = [save, load].map(
      (c) =>
        new Promise((res) => {
          c.on('error', (err) => {
            errors += err.message;
            res(1);
          });
          c.on('close', (code) => res(code ?? 1));
        }),
    );
    Promise.all(codes).then(([s, l]) =>
      s === 0 && l === 0
        ? resolve()
        : reject(new Error(`docker save | ctr images import failed: ${errors.trim()}`)),
    );
  });
  const names = imageRefs.map(containerdName);
  const listed = (await runCapture(ctr, [...ctrArgs, 'images', 'ls', '-q'])).stdout.split('\n');
  const missing = names.filter((n) => !listed.includes(n));
  if (missing.length > 0) throw new Error(`not in containerd after import: ${missing.join(', ')}`);
  return names;
}
