import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from './config';
import {
  cniConflist,
  containerdPaths,
  containerdToml,
  COREDNS_PLUGINS,
  corednsMainGo,
  corefile,
  kubeletYaml,
  kubeProxyYaml,
  localRegistryHostsToml,
  registryConfigYaml,
  registryHostsToml,
  systemManifests,
} from './manifests';

const cfg = loadConfig({ DEVCLUSTER_DIR: '/srv/dc', DEVCLUSTER_NODE_IP: '10.87.0.9' });

describe('devcluster generated configuration', () => {
  it('containerd: private root, state and socket, local pause image, no negative OOM scores', () => {
    const toml = containerdToml(cfg, '/usr/lib/cni', '/usr/sbin/runc');
    const p = containerdPaths(cfg);
    expect(toml).toContain(`root = "/srv/dc/containerd"`);
    expect(toml).toContain(`state = "${p.state}"`);
    expect(toml).toContain(`address = "${p.socket}"`);
    expect(p.socket.startsWith('/srv/dc/')).toBe(true);
    expect(toml).toContain(`sandbox_image = "${cfg.pauseImage}"`);
    expect(toml).toMatch(/^\s*restrict_oom_score_adj = true$/m);
    expect(toml).toMatch(/^\s*SystemdCgroup = false$/m);
    expect(toml).toContain(`conf_dir = "${p.cniConfDir}"`);
  });

  it('registry: loopback only, storage in the state dir; containerd pulls it over HTTP and nothing else', () => {
    const r = parse(registryConfigYaml(cfg));
    expect(r.http.addr).toBe('127.0.0.1:5000');
    expect(r.storage.filesystem.rootdirectory).toBe('/srv/dc/registry');
    expect(r.http.debug).toBeUndefined();
    expect(r.auth).toBeUndefined();
    expect(loadConfig({ DEVCLUSTER_REGISTRY_PORT: '5055' }).registry).toBe('127.0.0.1:5055');
    expect(localRegistryHostsToml(cfg.registry)).toMatch(
      /^server = "http:\/\/127\.0\.0\.1:5000"\n\[host\."http:\/\/127\.0\.0\.1:5000"\]\n\s+capabilities = \["pull", "resolve"\]$/m,
    );
    // every other host (docker.io, _default) goes to a closed loopback port
    expect(registryHostsToml()).toMatch(/^server = "http:\/\/127\.0\.0\.1:9"$/m);
    expect(containerdToml(cfg, '/usr/lib/cni', '/usr/sbin/runc')).toContain(
      `config_path = "${containerdPaths(cfg).hostsDir}"`,
    );
  });

  it('kubelet: cgroupfs, cgroup v1 allowed, swap tolerated, cluster DNS on the node address', () => {
    const k = parse(kubeletYaml(cfg));
    expect(k.kind).toBe('KubeletConfiguration');
    expect(k.cgroupDriver).toBe('cgroupfs');
    expect(k.failCgroupV1).toBe(false);
    expect(k.failSwapOn).toBe(false);
    expect(k.clusterDNS).toEqual(['10.87.0.9']);
    expect(k.resolvConf).toBe('');
    expect(k.address).toBe('10.87.0.9');
    expect(k.containerRuntimeEndpoint).toBe(`unix://${containerdPaths(cfg).socket}`);
    expect(k.authentication.anonymous.enabled).toBe(false);
    expect(k.readOnlyPort).toBe(0);
  });

  it('kube-proxy: iptables mode, pod CIDR, listens on the node address only', () => {
    const k = parse(kubeProxyYaml(cfg));
    expect(k.mode).toBe('iptables');
    expect(k.clusterCIDR).toBe(cfg.podCidr);
    expect(k.healthzBindAddress).toBe('10.87.0.9:10256');
    expect(k.conntrack.maxPerCore).toBe(0);
  });

  it('CNI: bridge without masquerade, routes to services and node, firewall plugin last', () => {
    const c = JSON.parse(cniConflist(cfg));
    expect(c.plugins.map((p: { type: string }) => p.type)).toEqual([
      'bridge',
      'portmap',
      'firewall',
    ]);
    const bridge = c.plugins[0];
    expect(bridge.bridge).toBe(cfg.bridge);
    expect(bridge.ipMasq).toBe(false);
    expect(bridge.ipam.ranges[0][0]).toEqual({ subnet: '10.88.0.0/16', gateway: '10.88.0.1' });
    expect(bridge.ipam.routes).toEqual([{ dst: '10.96.0.0/16' }, { dst: '10.87.0.9/32' }]);
    expect(bridge.ipam.dataDir.startsWith('/srv/dc/')).toBe(true);
  });

  it('CoreDNS: serves only the cluster zone on the node address, never forwards', () => {
    const f = corefile(cfg);
    expect(f).toContain('bind 10.87.0.9');
    expect(f).toContain('kubernetes cluster.local in-addr.arpa');
    expect(f).not.toMatch(/forward|proxy/);
    const main = corednsMainGo();
    for (const p of COREDNS_PLUGINS)
      expect(main).toContain(`"github.com/coredns/coredns/plugin/${p}"`);
    for (const used of f.matchAll(/^\s{4}([a-z]+)/gm))
      expect(COREDNS_PLUGINS as readonly string[]).toContain(used[1]);
  });

  it('registers the host metrics-server through a Service without selector and its EndpointSlice', () => {
    const docs = parseAllDocuments(systemManifests(cfg)).map((d) => d.toJS());
    const svc = docs.find((d) => d.kind === 'Service');
    expect(svc.spec.selector).toBeUndefined();
    const slice = docs.find((d) => d.kind === 'EndpointSlice');
    expect(slice.metadata.labels['kubernetes.io/service-name']).toBe(svc.metadata.name);
    expect(slice.endpoints[0].addresses).toEqual(['10.87.0.9']);
    const api = docs.find((d) => d.kind === 'APIService');
    expect(api.spec.service.name).toBe(svc.metadata.name);
    const coredns = docs.find(
      (d) => d.kind === 'ClusterRoleBinding' && d.metadata.name === 'system:coredns',
    );
    expect(coredns.subjects[0].name).toBe('coredns');
  });
});
