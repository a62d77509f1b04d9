import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOCAL_IMAGES_REVISION } from './versions';

/** The namespace `npm run cluster:deploy` applies the platform to. */
export const PLATFORM_NAMESPACE = 'platform-demo';

export interface ClusterConfig {
  repoRoot: string;
  /** .devcluster/: PKI, etcd data, containerd root and state, kubelet root, logs, pids */
  dir: string;
  logsDir: string;
  runDir: string;
  pkiDir: string;
  confDir: string;
  /** Built binaries and the Go build cache, shared across checkouts, keyed by version. */
  cacheDir: string;
  envFile: string;
  nodeName: string;
  /**
   * The node's address, on an interface of its own (`iface`): the API server, kubelet,
   * CoreDNS and metrics-server listen here, and pods reach it through their gateway.
   */
  nodeIp: string;
  iface: string;
  bridge: string;
  podCidr: string;
  serviceCidr: string;
  /** First address of the service range: the `kubernetes` Service. */
  apiServiceIp: string;
  apiPort: number;
  etcdPorts: { client: number; peer: number; metrics: number };
  pauseImage: string;
  probeImage: string;
  /**
   * The image registry (CNCF Distribution) on loopback, `127.0.0.1:<port>`: `docker push`
   * reaches it over plain HTTP (Docker trusts 127.0.0.0/8), and so does containerd's pull.
   */
  registry: string;
}

/** The first usable address of an IPv4 CIDR (network + 1). */
export function firstHost(cidr: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`${cidr} is not an IPv4 CIDR`);
  const bits = Number(m[5]);
  const addr = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - bits);
  const host = Math.floor(addr / size) * size + 1;
  return [24, 16, 8, 0].map((s) => Math.floor(host / 2 ** s) % 256).join('.');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const repoRoot = resolve(__dirname, '../../..');
  const dir = resolve(env.DEVCLUSTER_DIR ?? join(repoRoot, '.devcluster'));
  const cacheDir = resolve(
    env.DEVSTACK_CACHE ??
      join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'microservices-platform'),
  );
  const serviceCidr = env.DEVCLUSTER_SERVICE_CIDR ?? '10.96.0.0/16';
  return {
    repoRoot,
    dir,
    logsDir: join(dir, 'logs'),
    runDir: join(dir, 'run'),
    pkiDir: join(dir, 'pki'),
    confDir: join(dir, 'conf'),
    cacheDir,
    envFile: join(dir, 'cluster.env'),
    nodeName: 'devcluster',
    nodeIp: env.DEVCLUSTER_NODE_IP ?? '10.87.0.1',
    iface: 'devcluster0',
    bridge: 'devclusterbr0',
    podCidr: env.DEVCLUSTER_POD_CIDR ?? '10.88.0.0/16',
    serviceCidr,
    apiServiceIp: firstHost(serviceCidr),
    apiPort: 6443,
    etcdPorts: { client: 12379, peer: 12380, metrics: 12381 },
    pauseImage: `localhost/devcluster/pause:${LOCAL_IMAGES_REVISION}`,
    probeImage: `localhost/devcluster/probe:${LOCAL_IMAGES_REVISION}`,
    registry: `127.0.0.1:${env.DEVCLUSTER_REGISTRY_PORT ?? '5000'}`,
  };
}
