import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { proc, type Progress } from '@tools/devstack';
import type { ClusterConfig } from './config';
import { dockerArchive } from './image';
import { corednsMainGo, PAUSE_C, PROBE_GO } from './manifests';
import {
  COREDNS_VERSION,
  DISTRIBUTION_VERSION,
  ETCD_VERSION,
  KUBERNETES_VERSION,
  LOCAL_IMAGES_REVISION,
  METRICS_SERVER_VERSION,
} from './versions';

export const KUBE_BINARIES = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kube-proxy',
  'kubectl',
] as const;

export interface Binaries {
  'kube-apiserver': string;
  'kube-controller-manager': string;
  'kube-scheduler': string;
  kubelet: string;
  'kube-proxy': string;
  kubectl: string;
  etcd: string;
  'metrics-server': string;
  coredns: string;
  registry: string;
}

export function binaryPaths(cacheDir: string): Binaries {
  const k8s = join(cacheDir, `kubernetes-${KUBERNETES_VERSION}`);
  return {
    ...(Object.fromEntries(KUBE_BINARIES.map((b) => [b, join(k8s, b)])) as Record<
      (typeof KUBE_BINARIES)[number],
      string
    >),
    etcd: join(cacheDir, `etcd-${ETCD_VERSION}`, 'etcd'),
    'metrics-server': join(cacheDir, `metrics-server-${METRICS_SERVER_VERSION}`, 'metrics-server'),
    coredns: join(cacheDir, `coredns-${COREDNS_VERSION}`, 'coredns'),
    registry: join(cacheDir, `distribution-${DISTRIBUTION_VERSION}`, 'registry'),
  };
}

/** The Go build cache of the cluster's builds: kept, so a version bump only relinks what changed. */
export function goEnv(cacheDir: string): NodeJS.ProcessEnv {
  return {
    GOCACHE: join(cacheDir, 'go-build-devcluster'),
    GOFLAGS: '-mod=mod',
    GOWORK: 'off',
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
  };
}

/** The `go` and `godebug` lines of a module's go.mod (never its `toolchain` line). */
export function goDirectives(goMod: string): string[] {
  return goMod.split('\n').filter((l) => /^(go|godebug) /.test(l.trim()) && !l.startsWith('\t'));
}

/**
 * k8s.io/kubernetes cannot be required as is: its go.mod points every staging module
 * (k8s.io/api, client-go, …) at ./staging. A scratch module requires each of them at the
 * matching v0.X.Y and replaces them by that version. sample-* modules are not published.
 */
export function kubernetesGoMod(kubernetesGoModText: string, version: string): string {
  const staging = [...kubernetesGoModText.matchAll(/^\s*(k8s\.io\/[a-z0-9-]+) => \.\/staging\//gm)]
    .map((m) => m[1])
    .filter((m) => !m.startsWith('k8s.io/sample-'));
  if (staging.length === 0)
    throw new Error('no staging replaces found in k8s.io/kubernetes go.mod');
  const sv = `v0.${version.split('.').slice(1).join('.')}`;
  return [
    'module devcluster/kubernetes',
    '',
    ...goDirectives(kubernetesGoModText),
    '',
    `require k8s.io/kubernetes v${version}`,
    '',
    'require (',
    ...staging.map((m) => `\t${m} ${sv}`),
    ')',
    '',
    'replace (',
    ...staging.map((m) => `\t${m} => ${m} ${sv}`),
    ')',
    '',
  ].join('\n');
}

/** What `kubectl version` and the API server report, as upstream's release builds set it. */
export function kubernetesLdflags(version: string): string {
  const minor = version.split('.')[1];
  const x = (pkg: string, vars: Record<string, string>) =>
    Object.entries(vars).map(([k, v]) => `-X ${pkg}.${k}=${v}`);
  return [
    '-s',
    '-w',
    ...x('k8s.io/component-base/version', {
      gitVersion: `v${version}`,
      gitMajor: '1',
      gitMinor: minor,
      gitTreeState: 'clean',
      buildDate: '1970-01-01T00:00:00Z',
    }),
    ...x('k8s.io/client-go/pkg/version', {
      gitVersion: `v${version}`,
      gitMajor: '1',
      gitMinor: minor,
    }),
  ].join(' ');
}

export function toolsGo(packages: string[]): string {
  return `//go:build tools\n\npackage tools\n\nimport (\n${packages.map((p) => `\t_ "${p}"`).join('\n')}\n)\n`;
}

interface GoBuild {
  name: string;
  version: string;
  /** go.mod of the scratch module, from the go.mod of the module it builds. */
  goMod: (moduleGoMod: string) => string;
  module: string;
  /** binary -> package */
  binaries: Record<string, string>;
  extraFiles?: Record<string, string>;
  tags?: string;
  ldflags?: string;
}

let queue: Promise<unknown> = Promise.resolve();
/** One Go build at a time: each one alone saturates two cores. */
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn, fn);
  queue = next.catch(() => undefined);
  return next;
}

async function goBuild(cfg: ClusterConfig, progress: Progress, b: GoBuild): Promise<void> {
  const outDir = join(cfg.cacheDir, `${b.name}-${b.version}`);
  const done = () => Object.keys(b.binaries).every((bin) => existsSync(join(outDir, bin)));
  if (done()) return;
  const log = join(cfg.logsDir, `build-${b.name}.log`);
  rmSync(log, { force: true });
  mkdirSync(dirname(outDir), { recursive: true });
  await serialized(() =>
    proc.withLock(
      `${outDir}.lock`,
      (pid) => progress.line(b.name, `waiting for pid ${pid}, which is building it`),
      async () => {
        if (done()) return;
        const end = progress.longTask(
          b.name,
          `building ${b.name} ${b.version} from its Go module (first run only, minutes with a cold Go cache)`,
        );
        try {
          await buildUnlocked(cfg, b, outDir, log);
        } catch (err) {
          throw new Error(`${(err as Error).message} (build log: ${log})`);
        } finally {
          end();
        }
      },
    ),
  );
}

async function buildUnlocked(cfg: ClusterConfig, b: GoBuild, outDir: string, log: string) {
  const env = goEnv(cfg.cacheDir);
  const info = JSON.parse(
    await proc.exec('go', ['mod', 'download', '-json', `${b.module}@v${b.version}`], log, {
      env,
      capture: true,
    }),
  ) as { GoMod?: string; Error?: string };
  if (!info.GoMod) throw new Error(`go mod download ${b.module}@v${b.version}: ${info.Error}`);
  const src = join(cfg.cacheDir, 'src', `${b.name}-${b.version}`);
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'go.mod'), b.goMod(readFileSync(info.GoMod, 'utf8')));
  rmSync(join(src, 'go.sum'), { force: true });
  for (const [file, text] of Object.entries(b.extraFiles ?? {}))
    writeFileSync(join(src, file), text);
  await proc.exec('go', ['mod', 'tidy', '-e'], log, { cwd: src, env });
  const tmp = `${outDir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const [bin, pkg] of Object.entries(b.binaries)) {
    const t0 = Date.now();
    await proc.exec(
      'go',
      [
        'build',
        '-trimpath',
        ...(b.tags ? ['-tags', b.tags] : []),
        '-ldflags',
        b.ldflags ?? '-s -w',
        '-o',
        join(tmp, bin),
        pkg,
      ],
      log,
      { cwd: src, env },
    );
    writeFileSync(join(tmp, `${bin}.build-seconds`), String((Date.now() - t0) / 1000));
  }
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
}

const scratchModule = (name: string, module: string, version: string) => (goMod: string) =>
  [
    `module devcluster/${name}`,
    '',
    ...goDirectives(goMod),
    '',
    `require ${module} v${version}`,
    '',
  ].join('\n');

/** Builds (or finds in the cache) every binary of the cluster. */
export async function ensureBinaries(cfg: ClusterConfig, progress: Progress): Promise<Binaries> {
  const k8s = 'k8s.io/kubernetes';
  await goBuild(cfg, progress, {
    name: 'kubernetes',
    version: KUBERNETES_VERSION,
    module: k8s,
    goMod: (text) => kubernetesGoMod(text, KUBERNETES_VERSION),
    extraFiles: { 'tools.go': toolsGo(KUBE_BINARIES.map((b) => `${k8s}/cmd/${b}`)) },
    binaries: Object.fromEntries(KUBE_BINARIES.map((b) => [b, `${k8s}/cmd/${b}`])),
    // no cloud provider code: smaller binaries, faster builds
    tags: 'providerless',
    ldflags: kubernetesLdflags(KUBERNETES_VERSION),
  });
  const etcd = 'go.etcd.io/etcd/server/v3';
  await goBuild(cfg, progress, {
    name: 'etcd',
    version: ETCD_VERSION,
    module: etcd,
    goMod: scratchModule('etcd', etcd, ETCD_VERSION),
    extraFiles: { 'tools.go': toolsGo([etcd]) },
    binaries: { etcd },
  });
  const coredns = 'github.com/coredns/coredns';
  await goBuild(cfg, progress, {
    name: 'coredns',
    version: COREDNS_VERSION,
    module: coredns,
    goMod: scratchModule('coredns', coredns, COREDNS_VERSION),
    extraFiles: { 'main.go': corednsMainGo() },
    binaries: { coredns: '.' },
  });
  const ms = 'sigs.k8s.io/metrics-server';
  await goBuild(cfg, progress, {
    name: 'metrics-server',
    version: METRICS_SERVER_VERSION,
    module: ms,
    goMod: scratchModule('metrics-server', ms, METRICS_SERVER_VERSION),
    extraFiles: { 'tools.go': toolsGo([`${ms}/cmd/metrics-server`]) },
    binaries: { 'metrics-server': `${ms}/cmd/metrics-server` },
  });
  const distribution = 'github.com/distribution/distribution/v3';
  await goBuild(cfg, progress, {
    name: 'distribution',
    version: DISTRIBUTION_VERSION,
    module: distribution,
    goMod: scratchModule('distribution', distribution, DISTRIBUTION_VERSION),
    extraFiles: { 'tools.go': toolsGo([`${distribution}/cmd/registry`]) },
    binaries: { registry: `${distribution}/cmd/registry` },
    ldflags: `-s -w -X ${distribution}/version.version=v${DISTRIBUTION_VERSION}`,
  });
  return binaryPaths(cfg.cacheDir);
}

export interface LocalImages {
  pause: string;
  probe: string;
}

/**
 * The two images the cluster itself needs, as image archives in the cache: the sandbox
 * (pause, static C) and the probe used for the DNS check (static Go).
 */
export async function ensureLocalImages(
  cfg: ClusterConfig,
  progress: Progress,
): Promise<LocalImages> {
  const dir = join(cfg.cacheDir, `devcluster-images-${LOCAL_IMAGES_REVISION}`);
  const out = { pause: join(dir, 'pause.tar'), probe: join(dir, 'probe.tar') };
  if (existsSync(out.pause) && existsSync(out.probe)) return out;
  const log = join(cfg.logsDir, 'build-images.log');
  await proc.withLock(
    `${dir}.lock`,
    (pid) => progress.line('images', `waiting for pid ${pid}, which is building them`),
    async () => {
      if (existsSync(out.pause) && existsSync(out.probe)) return;
      const t0 = Date.now();
      const work = `${dir}.tmp`;
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      try {
        writeFileSync(join(work, 'pause.c'), PAUSE_C);
        await proc.exec('gcc', ['-Os', '-static', '-s', '-o', 'pause', 'pause.c'], log, {
          cwd: work,
        });
        writeFileSync(join(work, 'go.mod'), 'module devcluster/probe\n\ngo 1.22\n');
        writeFileSync(join(work, 'main.go'), PROBE_GO);
        await proc.exec(
          'go',
          ['build', '-trimpath', '-ldflags', '-s -w', '-o', 'probe', '.'],
          log,
          {
            cwd: work,
            env: goEnv(cfg.cacheDir),
          },
        );
      } catch (err) {
        throw new Error(`${(err as Error).message} (build log: ${log})`);
      }
      const file = (name: string) => ({
        path: `/${name}`,
        content: readFileSync(join(work, name)),
        mode: 0o755,
      });
      writeFileSync(
        join(work, 'pause.tar'),
        dockerArchive({
          ref: cfg.pauseImage,
          files: [file('pause')],
          entrypoint: ['/pause'],
          user: '65535:65535',
        }),
      );
      writeFileSync(
        join(work, 'probe.tar'),
        dockerArchive({ ref: cfg.probeImage, files: [file('probe')], entrypoint: ['/probe'] }),
      );
      mkdirSync(dir, { recursive: true });
      renameSync(join(work, 'pause.tar'), out.pause);
      renameSync(join(work, 'probe.tar'), out.probe);
      rmSync(work, { recursive: true, force: true });
      progress.line(
        'images',
        `built pause and probe images in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
      );
    },
  );
  return out;
}
