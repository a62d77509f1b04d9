import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { proc } from '@tools/devstack';
import type { ClusterConfig } from './config';

export interface CertSpec {
  name: string;
  /** The CA that signs it: `ca` (cluster) or `front-proxy-ca` (aggregation layer). */
  ca: 'ca' | 'front-proxy-ca';
  subject: string;
  sans: string[];
  usage: 'serverAuth' | 'clientAuth';
}

/** Identities that get a client certificate and a kubeconfig. */
export const KUBECONFIG_USERS = [
  'admin',
  'controller-manager',
  'scheduler',
  'kubelet',
  'kube-proxy',
  'metrics-server',
  'coredns',
] as const;

/** Every certificate of the cluster; the subject's O is the group, CN the user. */
export function pkiPlan(cfg: ClusterConfig): CertSpec[] {
  const client = (name: string, subject: string): CertSpec => ({
    name,
    ca: 'ca',
    subject,
    sans: [],
    usage: 'clientAuth',
  });
  return [
    {
      name: 'apiserver',
      ca: 'ca',
      subject: '/CN=kube-apiserver',
      sans: [
        'IP:127.0.0.1',
        `IP:${cfg.nodeIp}`,
        `IP:${cfg.apiServiceIp}`,
        'DNS:localhost',
        'DNS:kubernetes',
        'DNS:kubernetes.default',
        'DNS:kubernetes.default.svc',
        'DNS:kubernetes.default.svc.cluster.local',
      ],
      usage: 'serverAuth',
    },
    {
      name: 'kubelet-serving',
      ca: 'ca',
      subject: `/CN=${cfg.nodeName}`,
      sans: [`IP:${cfg.nodeIp}`, `DNS:${cfg.nodeName}`],
      usage: 'serverAuth',
    },
    client('admin', '/O=system:masters/CN=kubernetes-admin'),
    client('apiserver-kubelet-client', '/O=system:masters/CN=kube-apiserver-kubelet-client'),
    client('controller-manager', '/CN=system:kube-controller-manager'),
    client('scheduler', '/CN=system:kube-scheduler'),
    client('kubelet', `/O=system:nodes/CN=system:node:${cfg.nodeName}`),
    client('kube-proxy', '/CN=system:kube-proxy'),
    client('metrics-server', '/CN=metrics-server'),
    client('coredns', '/CN=coredns'),
    {
      name: 'front-proxy-client',
      ca: 'front-proxy-ca',
      subject: '/CN=front-proxy-client',
      sans: [],
      usage: 'clientAuth',
    },
  ];
}

export function certExtensions(spec: CertSpec): string {
  return [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${spec.usage}`,
    ...(spec.sans.length > 0 ? [`subjectAltName=${spec.sans.join(',')}`] : []),
  ].join('\n');
}

export function kubeconfigYaml(cfg: ClusterConfig, user: string): string {
  const pki = cfg.pkiDir;
  return `apiVersion: v1
kind: Config
clusters:
- name: devcluster
  cluster: {server: "https://${cfg.nodeIp}:${cfg.apiPort}", certificate-authority: "${pki}/ca.crt"}
users:
- name: ${user}
  user: {client-certificate: "${pki}/${user}.crt", client-key: "${pki}/${user}.key"}
contexts:
- name: devcluster
  context: {cluster: devcluster, user: ${user}}
current-context: devcluster
`;
}

/** A hash of what the PKI depends on: a different node address or name means a new PKI. */
export function pkiFingerprint(cfg: ClusterConfig): string {
  return createHash('sha256')
    .update(JSON.stringify([pkiPlan(cfg), cfg.pkiDir, cfg.apiPort]))
    .digest('hex');
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Creates the CAs, certificates, service-account keys and kubeconfigs unless they match. */
export async function ensurePki(cfg: ClusterConfig, log: string): Promise<boolean> {
  const dir = cfg.pkiDir;
  const stamp = join(dir, 'fingerprint');
  const fingerprint = pkiFingerprint(cfg);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint) return false;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ssl = (args: string[]) => proc.exec('openssl', args, log, { cwd: dir });
  for (const [ca, cn] of [
    ['ca', 'devcluster-ca'],
    ['front-proxy-ca', 'devcluster-front-proxy-ca'],
  ]) {
    await ssl(
      ['req', '-x509', ...EC, '-keyout', `${ca}.key`, '-out', `${ca}.crt`].concat([
        '-days',
        '3650',
        '-subj',
        `/CN=${cn}`,
      ]),
    );
  }
  for (const spec of pkiPlan(cfg)) {
    const n = spec.name;
    writeFileSync(join(dir, `${n}.ext`), certExtensions(spec) + '\n');
    await ssl(['req', ...EC, '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', spec.subject]);
    await ssl([
      'x509',
      '-req',
      '-in',
      `${n}.csr`,
      '-CA',
      `${spec.ca}.crt`,
      '-CAkey',
      `${spec.ca}.key`,
      '-CAcreateserial',
      '-out',
      `${n}.crt`,
      '-days',
      '3650',
      '-extfile',
      `${n}.ext`,
    ]);
    rmSync(join(dir, `${n}.csr`));
    rmSync(join(dir, `${n}.ext`));
  }
  await ssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'sa.key']);
  await ssl(['ec', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
  for (const user of KUBECONFIG_USERS)
    writeFileSync(join(dir, `${user}.kubeconfig`), kubeconfigYaml(cfg, user), { mode: 0o600 });
  for (const f of ['ca', 'front-proxy-ca', 'sa', ...pkiPlan(cfg).map((s) => s.name)])
    chmodSync(join(dir, `${f}.key`), 0o600);
  writeFileSync(stamp, fingerprint);
  return true;
}
