import { parse } from 'yaml';
import { loadConfig } from './config';
import { certExtensions, KUBECONFIG_USERS, kubeconfigYaml, pkiFingerprint, pkiPlan } from './pki';

const cfg = loadConfig({ DEVCLUSTER_DIR: '/srv/dc' });

describe('devcluster PKI plan', () => {
  const plan = pkiPlan(cfg);
  const byName = (n: string) => plan.find((c) => c.name === n)!;

  it('serves the API under every name pods and the host use', () => {
    const api = byName('apiserver');
    expect(api.usage).toBe('serverAuth');
    expect(api.sans).toEqual(
      expect.arrayContaining([
        `IP:${cfg.nodeIp}`,
        `IP:${cfg.apiServiceIp}`,
        'DNS:kubernetes.default.svc.cluster.local',
      ]),
    );
    expect(byName('kubelet-serving').sans).toContain(`IP:${cfg.nodeIp}`);
  });

  it('gives each component the identity RBAC expects', () => {
    expect(byName('kubelet').subject).toBe(`/O=system:nodes/CN=system:node:${cfg.nodeName}`);
    expect(byName('admin').subject).toMatch(/^\/O=system:masters\//);
    expect(byName('controller-manager').subject).toBe('/CN=system:kube-controller-manager');
    expect(byName('front-proxy-client').ca).toBe('front-proxy-ca');
    for (const user of KUBECONFIG_USERS) expect(byName(user).usage).toBe('clientAuth');
  });

  it('writes extensions with SANs only where there are some', () => {
    expect(certExtensions(byName('apiserver'))).toMatch(/^subjectAltName=IP:127\.0\.0\.1,/m);
    expect(certExtensions(byName('admin'))).not.toContain('subjectAltName');
    expect(certExtensions(byName('admin'))).toContain('extendedKeyUsage=clientAuth');
  });

  it('points kubeconfigs at the API on the node address with the user’s own certificate', () => {
    const kc = parse(kubeconfigYaml(cfg, 'scheduler'));
    expect(kc.clusters[0].cluster.server).toBe(`https://${cfg.nodeIp}:6443`);
    expect(kc.users[0].user['client-key']).toBe('/srv/dc/pki/scheduler.key');
    expect(kc['current-context']).toBe('devcluster');
  });

  it('needs a new PKI when the node address changes, not otherwise', () => {
    const other = loadConfig({ DEVCLUSTER_DIR: '/srv/dc', DEVCLUSTER_NODE_IP: '10.87.0.2' });
    expect(pkiFingerprint(cfg)).toBe(pkiFingerprint(loadConfig({ DEVCLUSTER_DIR: '/srv/dc' })));
    expect(pkiFingerprint(other)).not.toBe(pkiFingerprint(cfg));
  });
});
