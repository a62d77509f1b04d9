import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadConfig, type ClusterConfig } from './config';

/** What tools and tests need to talk to the cluster. */
export interface ClusterEnv {
  KUBECONFIG: string;
  /** The kubectl built with the cluster (same version as the API server). */
  KUBECTL: string;
  DEVCLUSTER_NODE_IP: string;
  DEVCLUSTER_API_URL: string;
  /** containerd's socket (for `ctr --address … -n k8s.io`). */
  CONTAINERD_ADDRESS: string;
  /** The image registry on loopback (`127.0.0.1:5000`): push there, the node pulls from it. */
  DEVCLUSTER_REGISTRY: string;
  [key: string]: string;
}

export function writeClusterEnv(cfg: ClusterConfig, env: ClusterEnv): void {
  const lines = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  writeFileSync(
    cfg.envFile,
    `# written by \`npm run cluster:up\` (tools/devcluster)\n${lines.join('\n')}\n`,
  );
}

/** Reads .devcluster/cluster.env as written by the last successful `up` (throws if none). */
export function readClusterEnv(cfg: ClusterConfig = loadConfig()): ClusterEnv {
  if (!existsSync(cfg.envFile))
    throw new Error(`${cfg.envFile} does not exist: run npm run cluster:up`);
  const env: Record<string, string> = {};
  for (const line of readFileSync(cfg.envFile, 'utf8').split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  return env as ClusterEnv;
}
