import { binaryPaths, goDirectives, kubernetesGoMod, kubernetesLdflags, toolsGo } from './build';

const K8S_GO_MOD = `// This is a generated file. Do not edit directly.

module k8s.io/kubernetes

go 1.24.0

godebug default=go1.24

toolchain go1.24.9

require (
	k8s.io/api v0.0.0
	k8s.io/client-go v0.0.0
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go
	k8s.io/sample-apiserver => ./staging/src/k8s.io/sample-apiserver
)
`;

describe('devcluster Go builds', () => {
  it('pins every published staging module of k8s.io/kubernetes to the matching v0 version', () => {
    const mod = kubernetesGoMod(K8S_GO_MOD, '1.34.4');
    expect(mod).toContain('require k8s.io/kubernetes v1.34.4');
    expect(mod).toContain('\tk8s.io/api v0.34.4\n');
    expect(mod).toContain('\tk8s.io/client-go => k8s.io/client-go v0.34.4\n');
    expect(mod).not.toContain('sample-apiserver');
    expect(mod).toContain('go 1.24.0\ngodebug default=go1.24');
    expect(mod).not.toContain('toolchain');
    expect(() => kubernetesGoMod('module x\n', '1.34.4')).toThrow(/no staging replaces/);
  });

  it('copies only the go and godebug directives', () => {
    expect(goDirectives(K8S_GO_MOD)).toEqual(['go 1.24.0', 'godebug default=go1.24']);
  });

  it('stamps the version the way release builds do', () => {
    const f = kubernetesLdflags('1.34.4');
    expect(f).toContain('-X k8s.io/component-base/version.gitVersion=v1.34.4');
    expect(f).toContain('-X k8s.io/component-base/version.gitMinor=34');
    expect(f).toContain('-X k8s.io/client-go/pkg/version.gitVersion=v1.34.4');
  });

  it('keeps binaries in version-keyed cache folders', () => {
    const b = binaryPaths('/c');
    expect(b.kubelet).toBe('/c/kubernetes-1.34.4/kubelet');
    expect(b.etcd).toBe('/c/etcd-3.6.16/etcd');
    expect(b['metrics-server']).toBe('/c/metrics-server-0.8.0/metrics-server');
    expect(b.coredns).toBe('/c/coredns-1.14.7/coredns');
    expect(toolsGo(['a/b'])).toContain('//go:build tools\n\npackage tools');
  });
});
