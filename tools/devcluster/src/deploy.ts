import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  APPS,
  appImage,
  buildAppImages,
  buildInfraImages,
  buildLoadImage,
  defaultTag,
  ensureBaseImage,
  imageId,
  INFRA_NAMES,
  loadImage,
  localInfraImage,
  Progress as ImageProgress,
  type InfraName,
} from '@tools/images';
import { Progress } from '@tools/devstack';
import { loadConfig, PLATFORM_NAMESPACE } from './config';
import { readClusterEnv, writeClusterEnv, type ClusterEnv } from './env';
import { ensureCluster, kubectl, loadImages } from './index';

/** The gateway's NodePort in the demo overlay (k8s/overlays/demo/gateway-external.yaml). */
const GATEWAY_NODE_PORT = 30080;
const OVERLAY = join(__dirname, '..', '..', '..', 'k8s', 'overlays', 'local');

/**
 * The local overlay as applied: kustomize's render with the apps' `:dev` references replaced by
 * this build's own tag, so a new build rolls the Deployments and an unchanged one does not.
 */
export function renderLocalOverlay(kubectlPath: string, tag: string): string {
  const rendered = execFileSync(kubectlPath, ['kustomize', OVERLAY], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return pinAppImages(rendered, tag);
}

export function pinAppImages(manifests: string, tag: string): string {
  let out = manifests;
  for (const app of APPS) {
    out = out.replaceAll(`image: ${appImage(app, 'dev')}\n`, `image: ${appImage(app, tag)}\n`);
  }
  return out.replaceAll(`image: ${loadImage('dev')}\n`, `image: ${loadImage(tag)}\n`);
}

async function ensureImages(tag: string, progress: Progress): Promise<string[]> {
  const images = new ImageProgress();
  const base = await ensureBaseImage(images);
  await buildAppImages(APPS, tag, base, images);
  await buildLoadImage(tag, base, images);
  const missing: InfraName[] = [];
  for (const name of INFRA_NAMES) if (!(await imageId(localInfraImage(name)))) missing.push(name);
  if (missing.length > 0) await buildInfraImages(missing, base, images);
  progress.line('deploy', `images ready (apps :${tag})`);
  return [
    ...APPS.map((app) => appImage(app, tag)),
    loadImage(tag),
    ...INFRA_NAMES.map(localInfraImage),
  ];
}

async function waitReady(kind: 'deployment' | 'statefulset', progress: Progress): Promise<void> {
  const names = (
    await kubectl([
      '-n',
      PLATFORM_NAMESPACE,
      'get',
      kind,
      '-o',
      'jsonpath={.items[*].metadata.name}',
    ])
  )
    .split(/\s+/)
    .filter(Boolean);
  for (const name of names) {
    await kubectl([
      '-n',
      PLATFORM_NAMESPACE,
      'rollout',
      'status',
      `${kind}/${name}`,
      '--timeout=600s',
    ]);
  }
  progress.line('deploy', `${names.length} ${kind}s ready: ${names.join(' ')}`);
}

/**
 * `npm run cluster:deploy`: builds (or reuses) the app and infrastructure images, loads them
 * into the cluster's containerd, applies the local overlay with this build's tag, waits for the
 * setup Jobs and every rollout, and records GATEWAY_URL in .devcluster/cluster.env.
 */
export async function deployPlatform(
  opts: { quiet?: boolean; tag?: string } = {},
): Promise<ClusterEnv> {
  const progress = new Progress(opts.quiet);
  const started = Date.now();
  const env = await ensureCluster({ quiet: opts.quiet });
  const tag = opts.tag ?? defaultTag();
  const refs = await ensureImages(tag, progress);
  const t = Date.now();
  await loadImages(refs);
  progress.line(
    'deploy',
    `${refs.length} images loaded into containerd in ${((Date.now() - t) / 1000).toFixed(1)}s`,
  );
  // A Job's pod template cannot change while the Job exists; the setup Jobs' work is repeatable,
  // so they run again, and the (suspended) load generator is made anew.
  await kubectl([
    'delete',
    'job',
    '-n',
    PLATFORM_NAMESPACE,
    '-l',
    'app.kubernetes.io/component in (setup, load)',
    '--ignore-not-found',
  ]).catch(() => undefined);
  await kubectl(['apply', '-f', '-'], { input: renderLocalOverlay(env.KUBECTL, tag) });
  progress.line('deploy', `applied k8s/overlays/local (namespace ${PLATFORM_NAMESPACE})`);
  await kubectl([
    '-n',
    PLATFORM_NAMESPACE,
    'wait',
    '--for=condition=complete',
    'job',
    '-l',
    'app.kubernetes.io/component=setup',
    '--timeout=600s',
  ]);
  progress.line('deploy', 'setup Jobs complete');
  await waitReady('statefulset', progress);
  await waitReady('deployment', progress);
  const gatewayUrl = `http://${env.DEVCLUSTER_NODE_IP}:${GATEWAY_NODE_PORT}`;
  const next = { ...readClusterEnv(), GATEWAY_URL: gatewayUrl };
  writeClusterEnv(loadConfig(), next);
  progress.line(
    'deploy',
    `platform ready in ${((Date.now() - started) / 1000).toFixed(1)}s; gateway ${gatewayUrl}`,
  );
  return next;
}
