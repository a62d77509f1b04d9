import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Progress, proc, seconds } from '@tools/devstack';
import { binaryPaths, ensureBinaries, ensureLocalImages, type Binaries } from './build';
import { loadConfig, type ClusterConfig } from './config';
import { type ClusterEnv, writeClusterEnv } from './env';
import {
  cleanHost,
  cniBinDir,
  describeLeftovers,
  ensureNodeAddress,
  findLeftovers,
  isolatePods,
  missingPrerequisites,
  shimPids,
  tool,
} from './host';
import { httpGet, runCapture } from './kubectl';
import {
  containerdPaths,
  containerdToml,
  cniConflist,
  COREDNS_READY_PORT,
  corefile,
  kubeletYaml,
  kubeProxyYaml,
  localRegistryHostsToml,
  MAX_SOCKET_PATH,
  METRICS_SERVER_PORT,
  registryConfigYaml,
  registryHostsToml,
  registryStorage,
  systemManifests,
} from './manifests';
import { ensurePki } from './pki';

export class ClusterError extends Error {}

interface Ctx {
  cfg: ClusterConfig;
  bins: Binaries;
  progress: Progress;
}

interface Launch {
  exe: string;
  args: string[];
  /** Contents of config files it reads: a change means a restart. */
  config?: string;
  /** Added to the CLI's environment. */
  env?: NodeJS.ProcessEnv;
}

interface Daemon {
  name: string;
  /** Daemons of one stage start together, after the previous stage is ready. */
  stage: number;
  launch(ctx: Ctx): Launch;
  probe(ctx: Ctx): Promise<unknown>;
  readyTimeoutMs: number;
  stopGraceMs: number;
}

const pki = (cfg: ClusterConfig, f: string) => join(cfg.pkiDir, f);
const kubeconfig = (cfg: ClusterConfig, user: string) => pki(cfg, `${user}.kubeconfig`);
const adminTls = (cfg: ClusterConfig) => ({
  ca: pki(cfg, 'ca.crt'),
  cert: pki(cfg, 'admin.crt'),
  key: pki(cfg, 'admin.key'),
});
const ctrArgs = (cfg: ClusterConfig) => ['--address', containerdPaths(cfg).socket, '-n', 'k8s.io'];
const ctrPath = () => tool('ctr');

/** Writes a config file unless it already has this content: kube-proxy exits when its file is written. */
function writeConf(cfg: ClusterConfig, name: string, text: string): string {
  const file = join(cfg.confDir, name);
  mkdirSync(dirname(file), { recursive: true });
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  return file;
}

export const DAEMONS: Daemon[] = [
  {
    name: 'containerd',
    stage: 0,
    readyTimeoutMs: 30_000,
    stopGraceMs: 10_000,
    launch({ cfg }) {
      const p = containerdPaths(cfg);
      const toml = containerdToml(cfg, cniBinDir(), tool('runc'));
      for (const host of ['_default', 'docker.io'])
        writeConf(cfg, join('registry-hosts', host, 'hosts.toml'), registryHostsToml());
      writeConf(
        cfg,
        join('registry-hosts', cfg.registry, 'hosts.toml'),
        localRegistryHostsToml(cfg.registry),
      );
      mkdirSync(p.cniConfDir, { recursive: true });
      const conflist = join(p.cniConfDir, '10-devcluster.conflist');
      if (!existsSync(conflist) || readFileSync(conflist, 'utf8') !== cniConflist(cfg))
        writeFileSync(conflist, cniConflist(cfg));
      return {
        exe: tool('containerd'),
        args: ['--config', writeConf(cfg, 'containerd.toml', toml)],
        config: toml,
      };
    },
    probe: async ({ cfg }) => {
      const r = await runCapture(ctrPath(), [...ctrArgs(cfg), 'version'], { timeoutMs: 5000 });
      if (r.code !== 0) throw new Error(r.stderr.trim() || 'ctr version failed');
    },
  },
  {
    name: 'etcd',
    stage: 1,
    readyTimeoutMs: 30_000,
    stopGraceMs: 10_000,
    launch: ({ cfg, bins }) => {
      const e = cfg.etcdPorts;
      const peer = `http://127.0.0.1:${e.peer}`;
      return {
        exe: bins.etcd,
        args: [
          '--name=devcluster',
          `--data-dir=${join(cfg.dir, 'etcd')}`,
          `--listen-client-urls=http://127.0.0.1:${e.client}`,
          `--advertise-client-urls=http://127.0.0.1:${e.client}`,
          `--listen-peer-urls=${peer}`,
          `--initial-advertise-peer-urls=${peer}`,
          `--initial-cluster=devcluster=${peer}`,
          `--listen-metrics-urls=http://127.0.0.1:${e.metrics}`,
          // a throwaway cluster: no fsync per write (much faster on shared disks)
          '--unsafe-no-fsync',
          '--log-level=warn',
        ],
      };
    },
    probe: ({ cfg }) => httpGet(`http://127.0.0.1:${cfg.etcdPorts.client}/health`),
  },
  {
    name: 'kube-apiserver',
    stage: 2,
    readyTimeoutMs: 90_000,
    stopGraceMs: 15_000,
    launch: ({ cfg, bins }) => ({
      exe: bins['kube-apiserver'],
      args: [
        `--advertise-address=${cfg.nodeIp}`,
        `--bind-address=${cfg.nodeIp}`,
        `--secure-port=${cfg.apiPort}`,
        `--etcd-servers=http://127.0.0.1:${cfg.etcdPorts.client}`,
        `--service-cluster-ip-range=${cfg.serviceCidr}`,
        '--allow-privileged=true',
        '--authorization-mode=Node,RBAC',
        `--client-ca-file=${pki(cfg, 'ca.crt')}`,
        `--tls-cert-file=${pki(cfg, 'apiserver.crt')}`,
        `--tls-private-key-file=${pki(cfg, 'apiserver.key')}`,
        `--kubelet-client-certificate=${pki(cfg, 'apiserver-kubelet-client.crt')}`,
        `--kubelet-client-key=${pki(cfg, 'apiserver-kubelet-client.key')}`,
        `--kubelet-certificate-authority=${pki(cfg, 'ca.crt')}`,
        '--kubelet-preferred-address-types=InternalIP',
        `--service-account-key-file=${pki(cfg, 'sa.pub')}`,
        `--service-account-signing-key-file=${pki(cfg, 'sa.key')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--requestheader-client-ca-file=${pki(cfg, 'front-proxy-ca.crt')}`,
        '--requestheader-allowed-names=front-proxy-client',
        '--requestheader-username-headers=X-Remote-User',
        '--requestheader-group-headers=X-Remote-Group',
        '--requestheader-extra-headers-prefix=X-Remote-Extra-',
        `--proxy-client-cert-file=${pki(cfg, 'front-proxy-client.crt')}`,
        `--proxy-client-key-file=${pki(cfg, 'front-proxy-client.key')}`,
        // metrics-server is a host process behind a Service without pods: call its endpoint
        '--enable-aggregator-routing=true',
      ],
    }),
    probe: ({ cfg }) => httpGet(`https://${cfg.nodeIp}:${cfg.apiPort}/readyz`, adminTls(cfg)),
  },
  {
    name: 'kube-controller-manager',
    stage: 3,
    readyTimeoutMs: 60_000,
    stopGraceMs: 10_000,
    launch: ({ cfg, bins }) => {
      const kc = kubeconfig(cfg, 'controller-manager');
      return {
        exe: bins['kube-controller-manager'],
        args: [
          `--kubeconfig=${kc}`,
          `--authentication-kubeconfig=${kc}`,
          `--authorization-kubeconfig=${kc}`,
          `--bind-address=${cfg.nodeIp}`,
          '--leader-elect=false',
          '--use-service-account-credentials=true',
          `--service-account-private-key-file=${pki(cfg, 'sa.key')}`,
          `--root-ca-file=${pki(cfg, 'ca.crt')}`,
          `--cluster-signing-cert-file=${pki(cfg, 'ca.crt')}`,
          `--cluster-signing-key-file=${pki(cfg, 'ca.key')}`,
          `--service-cluster-ip-range=${cfg.serviceCidr}`,
          '--horizontal-pod-autoscaler-sync-period=10s',
        ],
      };
    },
    probe: ({ cfg }) => httpGet(`https://${cfg.nodeIp}:10257/healthz`, { insecure: true }),
  },
  {
    name: 'kube-scheduler',
    stage: 3,
    readyTimeoutMs: 60_000,
    stopGraceMs: 10_000,
    launch: ({ cfg, bins }) => {
      const kc = kubeconfig(cfg, 'scheduler');
      return {
        exe: bins['kube-scheduler'],
        args: [
          `--kubeconfig=${kc}`,
          `--authentication-kubeconfig=${kc}`,
          `--authorization-kubeconfig=${kc}`,
          `--bind-address=${cfg.nodeIp}`,
          '--leader-elect=false',
        ],
      };
    },
    probe: ({ cfg }) => httpGet(`https://${cfg.nodeIp}:10259/healthz`, { insecure: true }),
  },
  {
    name: 'coredns',
    stage: 3,
    readyTimeoutMs: 60_000,
    stopGraceMs: 5_000,
    launch: ({ cfg, bins }) => {
      const text = corefile(cfg);
      return { exe: bins.coredns, args: ['-conf', writeConf(cfg, 'Corefile', text)], config: text };
    },
    probe: ({ cfg }) => httpGet(`http://${cfg.nodeIp}:${COREDNS_READY_PORT}/ready`),
  },
  {
    name: 'kubelet',
    stage: 3,
    readyTimeoutMs: 60_000,
    stopGraceMs: 10_000,
    launch: ({ cfg, bins }) => {
      const text = kubeletYaml(cfg);
      return {
        exe: bins.kubelet,
        args: [
          `--config=${writeConf(cfg, 'kubelet.yaml', text)}`,
          `--kubeconfig=${kubeconfig(cfg, 'kubelet')}`,
          `--root-dir=${join(cfg.dir, 'kubelet')}`,
          `--hostname-override=${cfg.nodeName}`,
          `--node-ip=${cfg.nodeIp}`,
        ],
        config: text,
      };
    },
    probe: ({ cfg }) => httpGet(`http://${cfg.nodeIp}:10248/healthz`),
  },
  {
    name: 'kube-proxy',
    stage: 3,
    readyTimeoutMs: 60_000,
    stopGraceMs: 5_000,
    launch: ({ cfg, bins }) => {
      const text = kubeProxyYaml(cfg);
      return {
        exe: bins['kube-proxy'],
        args: [`--config=${writeConf(cfg, 'kube-proxy.yaml', text)}`],
        config: text,
      };
    },
    probe: ({ cfg }) => httpGet(`http://${cfg.nodeIp}:10256/healthz`),
  },
  {
    name: 'metrics-server',
    stage: 3,
    readyTimeoutMs: 60_000,
    stopGraceMs: 5_000,
    launch: ({ cfg, bins }) => {
      const kc = kubeconfig(cfg, 'metrics-server');
      return {
        exe: bins['metrics-server'],
        args: [
          `--kubeconfig=${kc}`,
          `--authentication-kubeconfig=${kc}`,
          `--authorization-kubeconfig=${kc}`,
          `--bind-address=${cfg.nodeIp}`,
          `--secure-port=${METRICS_SERVER_PORT}`,
          `--cert-dir=${join(cfg.dir, 'metrics-server')}`,
          '--kubelet-preferred-address-types=InternalIP',
          '--kubelet-use-node-status-port',
          `--kubelet-certificate-authority=${pki(cfg, 'ca.crt')}`,
          // the shortest allowed: `kubectl top` answers ~10 s after the start; the resolution
          // must exceed the kubelet request timeout (10 s by default)
          '--metric-resolution=10s',
          '--kubelet-request-timeout=5s',
        ],
      };
    },
    probe: ({ cfg }) =>
      httpGet(`https://${cfg.nodeIp}:${METRICS_SERVER_PORT}/livez`, { insecure: true }),
  },
];

/**
 * The image registry the pipeline pushes to and kubelet pulls from. Apart from DAEMONS: it
 * starts on an already running cluster without restarting it, and survives a restart.
 */
export const REGISTRY: Daemon = {
  name: 'registry',
  stage: 0,
  readyTimeoutMs: 30_000,
  stopGraceMs: 10_000,
  launch({ cfg, bins }) {
    mkdirSync(registryStorage(cfg), { recursive: true });
    const yaml = registryConfigYaml(cfg);
    return {
      exe: bins.registry,
      args: ['serve', writeConf(cfg, 'registry.yml', yaml)],
      config: yaml,
      // no tracing exporter: it would try an OTLP collector on loopback
      env: { OTEL_TRACES_EXPORTER: 'none' },
    };
  },
  probe: ({ cfg }) => httpGet(`http://${cfg.registry}/v2/`),
};

/** Names of everything up starts, for `logs` and `status`. */
export const COMPONENTS = [...DAEMONS, REGISTRY];

/**
 * Starts the registry unless it already runs with today's config; a record left by a killed
 * run (the pid gone, or reused by another program) is dropped first.
 */
async function ensureRegistry(ctx: Ctx): Promise<void> {
  const rec = proc.readRecord(ctx.cfg.runDir, REGISTRY.name);
  if (rec && proc.isOurs(rec) && rec.fingerprint === fingerprint(REGISTRY.launch(ctx))) {
    const answers = await REGISTRY.probe(ctx).then(
      () => true,
      () => false,
    );
    if (answers) return;
  }
  if (rec && !proc.isOurs(rec))
    ctx.progress.line(REGISTRY.name, `pid ${rec.pid} of an earlier run is gone: starting anew`);
  await stopDaemon(ctx.cfg, ctx.progress, REGISTRY);
  await startDaemon(REGISTRY, ctx);
}

function fingerprint(l: Launch): string {
  return createHash('sha256')
    .update([l.exe, ...l.args, l.config ?? ''].join('\0'))
    .digest('hex');
}

const logPath = (cfg: ClusterConfig, name: string) => join(cfg.logsDir, `${name}.log`);

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  fn: () => Promise<T>,
  gone?: () => string | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const why = gone?.();
    if (why) throw new Error(`process ${why} during startup`);
    try {
      return await fn();
    } catch (err) {
      last = (err as Error).message || String(err);
    }
    await proc.sleep(300);
  }
  throw new Error(`${what}: not ready after ${seconds(timeoutMs)}: ${last}`);
}

async function startDaemon(d: Daemon, ctx: Ctx): Promise<void> {
  const { cfg, progress } = ctx;
  const t0 = Date.now();
  const spec = d.launch(ctx);
  const log = logPath(cfg, d.name);
  const { record, exitStatus } = proc.spawnDaemon(
    spec.exe,
    spec.args,
    log,
    spec.env ? { env: { ...process.env, ...spec.env } } : {},
  );
  proc.writeRecord(cfg.runDir, d.name, { ...record, fingerprint: fingerprint(spec) });
  try {
    await waitFor(d.name, d.readyTimeoutMs, () => d.probe(ctx), exitStatus);
  } catch (err) {
    const excerpt = proc.tail(log, 8);
    if (excerpt) process.stderr.write(`--- last lines of ${log} ---\n${excerpt}\n`);
    // The usual cause on a machine that runs other servers: say it plainly.
    const inUse = /bind: address already in use|listen tcp (\S+): bind/.exec(excerpt);
    const hint = inUse ? ` (a port it needs is in use: ${inUse[1] ?? 'see the log'})` : '';
    throw new ClusterError(`${d.name}: ${(err as Error).message}${hint}\n  log: ${log}`);
  }
  progress.line(d.name, `ready in ${seconds(Date.now() - t0)} (pid ${record.pid})`);
}

/** Every recorded daemon is ours, runs with today's command and config, and answers. */
async function allRunning(ctx: Ctx): Promise<boolean> {
  for (const d of DAEMONS) {
    const rec = proc.readRecord(ctx.cfg.runDir, d.name);
    if (!rec || !proc.isOurs(rec) || rec.fingerprint !== fingerprint(d.launch(ctx))) return false;
  }
  const probes = await Promise.allSettled(DAEMONS.map((d) => d.probe(ctx)));
  return probes.every((p) => p.status === 'fulfilled');
}

export async function kubectlAs(
  cfg: ClusterConfig,
  args: string[],
  input?: string,
): Promise<string> {
  const r = await runCapture(binaryPaths(cfg.cacheDir).kubectl, args, {
    input,
    env: { KUBECONFIG: kubeconfig(cfg, 'admin') },
  });
  if (r.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

async function nodeReady(cfg: ClusterConfig): Promise<void> {
  const status = await kubectlAs(cfg, [
    'get',
    'node',
    cfg.nodeName,
    '-o',
    'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
  ]);
  if (status.trim() !== 'True')
    throw new Error(`node ${cfg.nodeName} Ready=${status || 'unknown'}`);
}

/** A pod resolves the API's service name through the cluster DNS. */
async function dnsWorks(cfg: ClusterConfig): Promise<void> {
  // a new name per attempt: a failed attempt's pod may still be terminating
  const name = `devcluster-dns-check-${randomBytes(3).toString('hex')}`;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system' },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'probe',
          image: cfg.probeImage,
          imagePullPolicy: 'Never',
          args: ['lookup', 'kubernetes.default.svc.cluster.local'],
        },
      ],
    },
  };
  const del = () =>
    kubectlAs(cfg, [
      '-n',
      'kube-system',
      'delete',
      'pod',
      name,
      '--ignore-not-found',
      '--wait=false',
    ]);
  try {
    await kubectlAs(cfg, ['apply', '-f', '-'], JSON.stringify(pod));
    const phase = await waitFor('DNS check pod', 60_000, async () => {
      const p = await kubectlAs(cfg, [
        '-n',
        'kube-system',
        'get',
        'pod',
        name,
        '-o',
        'jsonpath={.status.phase}',
      ]);
      if (p !== 'Succeeded' && p !== 'Failed') throw new Error(`pod phase ${p || 'Pending'}`);
      return p;
    });
    const logs = await kubectlAs(cfg, ['-n', 'kube-system', 'logs', name]);
    if (phase !== 'Succeeded' || !logs.split('\n').includes(cfg.apiServiceIp))
      throw new Error(
        `kubernetes.default.svc.cluster.local did not resolve in a pod: ${logs.trim()}`,
      );
  } finally {
    await del().catch(() => undefined);
  }
}

async function metricsWork(cfg: ClusterConfig): Promise<void> {
  const out = await kubectlAs(cfg, ['top', 'node', cfg.nodeName, '--no-headers']);
  if (!out.includes('%')) throw new Error(`kubectl top node: ${out.trim()}`);
}

function buildEnv(cfg: ClusterConfig): ClusterEnv {
  return {
    KUBECONFIG: kubeconfig(cfg, 'admin'),
    KUBECTL: binaryPaths(cfg.cacheDir).kubectl,
    DEVCLUSTER_NODE_IP: cfg.nodeIp,
    DEVCLUSTER_API_URL: `https://${cfg.nodeIp}:${cfg.apiPort}`,
    CONTAINERD_ADDRESS: containerdPaths(cfg).socket,
    DEVCLUSTER_REGISTRY: cfg.registry,
  };
}

function prepare(quiet: boolean): { cfg: ClusterConfig; progress: Progress } {
  const cfg = loadConfig();
  const why = missingPrerequisites(process.getuid?.() === 0);
  if (why) throw new ClusterError(why);
  if (containerdPaths(cfg).socket.length > MAX_SOCKET_PATH)
    throw new ClusterError(
      `${containerdPaths(cfg).socket} is too long for a unix socket: set DEVCLUSTER_DIR to a shorter folder`,
    );
  for (const d of [cfg.dir, cfg.logsDir, cfg.runDir, cfg.confDir, cfg.cacheDir])
    mkdirSync(d, { recursive: true });
  return { cfg, progress: new Progress(quiet, 'devcluster') };
}

const lockOf = (cfg: ClusterConfig) => join(cfg.runDir, 'lock');
const waiting = (progress: Progress) => (pid: number) =>
  progress.line('cluster', `waiting for another devcluster command (pid ${pid})`);

/** Builds what is missing, starts the cluster unless it runs, checks it and writes cluster.env. */
export async function up(opts: { quiet?: boolean } = {}): Promise<ClusterEnv> {
  const { cfg, progress } = prepare(opts.quiet ?? false);
  return proc.withLock(lockOf(cfg), waiting(progress), async () => {
    progress.line('cluster', `up (state ${cfg.dir}, cache ${cfg.cacheDir})`);
    const tBuild = Date.now();
    const [bins, images] = await Promise.all([
      ensureBinaries(cfg, progress),
      ensureLocalImages(cfg, progress),
    ]);
    const ctx: Ctx = { cfg, bins, progress };
    if (await allRunning(ctx)) {
      await ensureRegistry(ctx);
      await nodeReady(cfg);
      progress.line('cluster', `already running, node Ready (${progress.elapsed()})`);
      return writeEnv(cfg);
    }
    progress.line('cluster', `binaries and images ready in ${seconds(Date.now() - tBuild)}`);
    await stopAll(cfg, progress);
    const left = findLeftovers(cfg);
    const leftText = describeLeftovers(left);
    if (leftText) progress.line('cluster', `removing leftovers of an earlier run: ${leftText}`);
    cleanHost(cfg, { keepIface: true });
    const tStart = Date.now();
    if (await ensurePki(cfg, join(cfg.logsDir, 'pki.log')))
      progress.line('pki', `created certificates and kubeconfigs in ${cfg.pkiDir}`);
    const kind = ensureNodeAddress(cfg);
    isolatePods(cfg);
    progress.line('network', `node address ${cfg.nodeIp} on ${cfg.iface} (${kind})`);
    for (const stage of [0, 1, 2, 3]) {
      await Promise.all(DAEMONS.filter((d) => d.stage === stage).map((d) => startDaemon(d, ctx)));
      if (stage === 0) {
        if (await removeContainers(cfg)) {
          // the CRI plugin loaded them at its start: it must start again without them
          progress.line('containerd', 'removed containers of an earlier run; restarting it');
          await stopDaemon(cfg, progress, DAEMONS[0]);
          await startDaemon(DAEMONS[0], ctx);
        }
        await importImages(cfg, [images.pause, images.probe]);
        await ensureRegistry(ctx);
      }
      if (stage === 2) await kubectlAs(cfg, ['apply', '-f', '-'], systemManifests(cfg));
    }
    const t1 = Date.now();
    await waitFor('node', 90_000, () => nodeReady(cfg));
    progress.line('node', `${cfg.nodeName} Ready in ${seconds(Date.now() - t1)}`);
    const t2 = Date.now();
    await waitFor('cluster DNS', 90_000, () => dnsWorks(cfg));
    progress.line(
      'dns',
      `a pod resolved kubernetes.default.svc.cluster.local in ${seconds(Date.now() - t2)}`,
    );
    const t3 = Date.now();
    await waitFor('metrics', 120_000, () => metricsWork(cfg));
    progress.line('metrics', `kubectl top answers, ${seconds(Date.now() - t3)} more`);
    progress.line(
      'cluster',
      `ready in ${progress.elapsed()} (start ${seconds(Date.now() - tStart)}); settings in ${cfg.envFile}`,
    );
    return writeEnv(cfg);
  });
}

function writeEnv(cfg: ClusterConfig): ClusterEnv {
  const env = buildEnv(cfg);
  writeClusterEnv(cfg, env);
  return env;
}

async function importImages(cfg: ClusterConfig, tars: string[]): Promise<void> {
  for (const t of tars) {
    const r = await runCapture(ctrPath(), [...ctrArgs(cfg), 'images', 'import', t], {
      timeoutMs: 120_000,
    });
    if (r.code !== 0) throw new ClusterError(`ctr images import ${t}: ${r.stderr.trim()}`);
  }
}

/**
 * Kills every container task and deletes the containers while containerd still runs; says
 * whether there were any.
 */
async function removeContainers(cfg: ClusterConfig): Promise<boolean> {
  const ctr = (args: string[]) =>
    runCapture(ctrPath(), [...ctrArgs(cfg), ...args], { timeoutMs: 30_000 });
  const ids = async (what: string) =>
    (await ctr([what, 'ls', '-q'])).stdout.split('\n').filter(Boolean);
  const tasks = await ids('tasks');
  await Promise.all(tasks.map((id) => ctr(['tasks', 'kill', '-s', 'SIGKILL', id])));
  await Promise.all(tasks.map((id) => ctr(['tasks', 'delete', '-f', id])));
  const containers = await ids('containers');
  await Promise.all(containers.map((id) => ctr(['containers', 'delete', id])));
  return containers.length > 0;
}

async function stopDaemon(cfg: ClusterConfig, progress: Progress, d: Daemon): Promise<void> {
  const rec = proc.readRecord(cfg.runDir, d.name);
  if (rec && proc.isOurs(rec)) {
    const t0 = Date.now();
    await proc.stopGroup(rec.pid, 'SIGTERM', d.stopGraceMs);
    progress.line(d.name, `stopped pid ${rec.pid} in ${seconds(Date.now() - t0)}`);
  }
  proc.removeRecord(cfg.runDir, d.name);
}

/** Stops every recorded daemon, last stage first; containers go before containerd. */
async function stopAll(cfg: ClusterConfig, progress: Progress): Promise<void> {
  const stages = [...new Set(DAEMONS.map((d) => d.stage))].sort((a, b) => b - a);
  for (const stage of stages) {
    if (stage === 0) {
      const rec = proc.readRecord(cfg.runDir, 'containerd');
      if (rec && proc.isOurs(rec)) await removeContainers(cfg);
    }
    await Promise.all(
      DAEMONS.filter((d) => d.stage === stage).map((d) => stopDaemon(cfg, progress, d)),
    );
  }
}

export async function down(opts: { wipe?: boolean; quiet?: boolean } = {}): Promise<void> {
  const { cfg, progress } = prepare(opts.quiet ?? false);
  await proc.withLock(lockOf(cfg), waiting(progress), async () => {
    await stopAll(cfg, progress);
    await stopDaemon(cfg, progress, REGISTRY);
    const t0 = Date.now();
    cleanHost(cfg);
    rmSync(cfg.envFile, { force: true });
    progress.line(
      'cluster',
      `host cleaned in ${seconds(Date.now() - t0)}; down in ${progress.elapsed()}`,
    );
  });
  if (opts.wipe) {
    rmSync(cfg.dir, { recursive: true, force: true });
    progress.line('cluster', `wiped ${cfg.dir}`);
  }
}

export interface DaemonStatus {
  name: string;
  state: 'running' | 'stopped' | 'unhealthy';
  pid?: number;
  rssMb?: number;
  detail: string;
  log: string;
}

export async function status(): Promise<DaemonStatus[]> {
  const cfg = loadConfig();
  const ctx: Ctx = { cfg, bins: binaryPaths(cfg.cacheDir), progress: new Progress(true) };
  return Promise.all(
    COMPONENTS.map(async (d): Promise<DaemonStatus> => {
      const rec = proc.readRecord(cfg.runDir, d.name);
      const base = { name: d.name, log: logPath(cfg, d.name) };
      if (!rec || !proc.isOurs(rec))
        return { ...base, state: 'stopped', detail: rec ? `pid ${rec.pid} is gone` : '' };
      const rssMb = Math.round(proc.groupRssKb(rec.pid) / 1024);
      try {
        await d.probe(ctx);
        return {
          ...base,
          state: 'running',
          pid: rec.pid,
          rssMb,
          detail: `up since ${rec.startedAt}`,
        };
      } catch (err) {
        return { ...base, state: 'unhealthy', pid: rec.pid, rssMb, detail: (err as Error).message };
      }
    }),
  );
}

/** Pods run under containerd's shims, outside every daemon's process group: summed apart. */
export function podsRssMb(cfg: ClusterConfig = loadConfig()): number {
  let kb = 0;
  for (const pid of shimPids(containerdPaths(cfg).socket)) kb += proc.groupRssKb(pid);
  return Math.round(kb / 1024);
}
