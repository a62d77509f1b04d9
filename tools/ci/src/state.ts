import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, type AppName } from '@tools/images';
import type { Affected } from './affected';
import { kubectl } from './kube';

/** Files the steps of one build hand to each other; a fresh checkout starts without them. */
export function stateDir(): string {
  return process.env.CI_STATE_DIR || join(REPO_ROOT, '.ci-state');
}

/** Tells one build from the next in the same workspace (Jenkins sets BUILD_TAG). */
export function buildId(): string {
  return process.env.BUILD_TAG || 'local';
}

/** What ci:deploy did, so that wait, rollback and record act on exactly that. */
export interface DeployState {
  build: string;
  overlay: string;
  namespace: string;
  commit: string;
  tag: string;
  refs: Partial<Record<AppName, string>>;
  /**
   * Each Deployment's and StatefulSet's revision before the apply, by `Kind/name`; absent
   * when the apply created it.
   */
  revisionsBefore: Record<string, { id: string; revision: string }>;
  deployments: string[];
  statefulSets: string[];
  jobs: string[];
  outcome: 'applied' | 'recorded' | 'rolled-back';
  /** When the apply returned (ms since the epoch): rollout times are told from there. */
  appliedAt?: number;
}

function read<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir(), file), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function write(file: string, value: unknown): void {
  mkdirSync(stateDir(), { recursive: true });
  writeFileSync(join(stateDir(), file), `${JSON.stringify(value, null, 2)}\n`);
}

export const readDeployState = (overlay: string) => read<DeployState>(`deploy-${overlay}.json`);
export const writeDeployState = (s: DeployState) => write(`deploy-${s.overlay}.json`, s);
export const readAffected = () =>
  read<Affected & { base: string | null; head: string }>('affected.json');
export const writeAffected = (a: Affected & { base: string | null; head: string }) =>
  write('affected.json', a);

/**
 * What ci:push put in a registry: for each app, `<prefix>/<app>:<tag>@sha256:…`, the digest
 * being the manifest's as the registry answered the push. ci:deploy applies exactly these.
 */
export interface Pushed {
  registry: string;
  tag: string;
  images: Partial<Record<AppName, string>>;
}

export const readPushed = () => read<Pushed>('pushed.json');
export const writePushed = (p: Pushed) => write('pushed.json', p);

/**
 * The last deploy that passed its gates, kept in the environment itself (a ConfigMap in its
 * namespace): every agent and laptop sees the same base, and it survives the workspace.
 */
export interface Release {
  commit: string;
  tag: string;
  images: Partial<Record<AppName, string>>;
  recordedAt: string;
}

export const RELEASE_CONFIGMAP = 'ci-last-deploy';

export async function readRelease(namespace: string): Promise<Release | undefined> {
  const out = await kubectl([
    '-n',
    namespace,
    'get',
    'configmap',
    RELEASE_CONFIGMAP,
    '--ignore-not-found',
    '-o',
    'json',
  ]);
  if (!out.trim()) return undefined;
  const data = (JSON.parse(out) as { data?: Record<string, string> }).data ?? {};
  return {
    commit: data.commit,
    tag: data.tag,
    images: JSON.parse(data.images ?? '{}') as Release['images'],
    recordedAt: data.recordedAt,
  };
}

export async function writeRelease(namespace: string, release: Release): Promise<void> {
  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: RELEASE_CONFIGMAP,
      namespace,
      labels: {
        'app.kubernetes.io/part-of': 'microservices-platform',
        'app.kubernetes.io/managed-by': 'ci',
      },
    },
    data: { ...release, images: JSON.stringify(release.images) },
  };
  await kubectl(['apply', '-f', '-'], JSON.stringify(cm));
}
