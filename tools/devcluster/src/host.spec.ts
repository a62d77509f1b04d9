import {
  iptablesCleanup,
  missingPrerequisites,
  mountsUnder,
  REQUIREMENTS,
  shellWords,
} from './host';

const FILTER = `-P INPUT ACCEPT
-P FORWARD DROP
-P OUTPUT ACCEPT
-N CNI-ADMIN
-N CNI-FORWARD
-N DOCKER
-N DOCKER-USER
-N KUBE-FORWARD
-N DEVCLUSTER-ISOLATION
-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -j DEVCLUSTER-ISOLATION
-A FORWARD -j DOCKER-USER
-A FORWARD -o docker0 -j DOCKER
-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN
-A DEVCLUSTER-ISOLATION -i devclusterbr0 ! -o devclusterbr0 -j DROP
-A DOCKER-USER -j RETURN
`;

describe('devcluster host leftovers', () => {
  it('splits iptables rules, keeping quoted comments whole', () => {
    expect(
      shellWords('-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD'),
    ).toEqual([
      '-A',
      'FORWARD',
      '-m',
      'comment',
      '--comment',
      'CNI firewall plugin rules',
      '-j',
      'CNI-FORWARD',
    ]);
  });

  it('removes jumps into the cluster chains, then flushes and deletes them, leaving Docker alone', () => {
    const cmds = iptablesCleanup('filter', FILTER);
    expect(cmds).toEqual([
      [
        '-t',
        'filter',
        '-D',
        'FORWARD',
        '-m',
        'comment',
        '--comment',
        'CNI firewall plugin rules',
        '-j',
        'CNI-FORWARD',
      ],
      [
        '-t',
        'filter',
        '-D',
        'FORWARD',
        '-m',
        'comment',
        '--comment',
        'kubernetes forwarding rules',
        '-j',
        'KUBE-FORWARD',
      ],
      ['-t', 'filter', '-D', 'FORWARD', '-j', 'DEVCLUSTER-ISOLATION'],
      ['-t', 'filter', '-F', 'CNI-ADMIN'],
      ['-t', 'filter', '-F', 'CNI-FORWARD'],
      ['-t', 'filter', '-F', 'KUBE-FORWARD'],
      ['-t', 'filter', '-F', 'DEVCLUSTER-ISOLATION'],
      ['-t', 'filter', '-X', 'CNI-ADMIN'],
      ['-t', 'filter', '-X', 'CNI-FORWARD'],
      ['-t', 'filter', '-X', 'KUBE-FORWARD'],
      ['-t', 'filter', '-X', 'DEVCLUSTER-ISOLATION'],
    ]);
    expect(
      iptablesCleanup('nat', '-P PREROUTING ACCEPT\n-N DOCKER\n-A DOCKER -i docker0 -j RETURN\n'),
    ).toEqual([]);
  });

  it('finds mounts under the state folders, deepest first, and nothing else', () => {
    const mounts = [
      'overlay /srv/dc/containerd-state/io.containerd.runtime.v2.task/k8s.io/abc/rootfs overlay rw 0 0',
      'tmpfs /srv/dc/kubelet/pods/u1/volumes/kubernetes.io~projected/kube-api-access tmpfs rw 0 0',
      'shm /srv/dc/containerd-state/io.containerd.grpc.v1.cri/sandboxes/abc/shm tmpfs rw 0 0',
      'tmpfs /srv/dcx/other tmpfs rw 0 0',
      '/dev/vda / ext4 rw 0 0',
    ].join('\n');
    expect(mountsUnder(mounts, ['/srv/dc'])).toEqual([
      '/srv/dc/kubelet/pods/u1/volumes/kubernetes.io~projected/kube-api-access',
      '/srv/dc/containerd-state/io.containerd.runtime.v2.task/k8s.io/abc/rootfs',
      '/srv/dc/containerd-state/io.containerd.grpc.v1.cri/sandboxes/abc/shm',
    ]);
  });

  it('names root and exactly the packages to install', () => {
    const none = () => false;
    const msg = missingPrerequisites(false, none, '/nowhere')!;
    expect(msg).toMatch(/^devcluster cannot run here: it must run as root/);
    expect(msg).toContain(
      'apt-get install containerd runc containernetworking-plugins iptables iproute2 openssl gcc libc6-dev',
    );
    expect(msg).toContain('a Go toolchain');
    expect(msg).toContain('br_netfilter');
    const all = new Set(REQUIREMENTS.flatMap((r) => r.anyOf.filter((p) => p.startsWith('/'))));
    all.add('/proc/sys/net/bridge');
    for (const cmd of ['containerd', 'ctr', 'iptables', 'ip', 'openssl', 'gcc', 'go'])
      all.add(`/usr/bin/${cmd}`);
    expect(missingPrerequisites(true, (p) => all.has(p), '/usr/bin')).toBe(
      'devcluster cannot run here: missing runc: apt-get install runc',
    );
    all.add('/usr/bin/runc');
    expect(missingPrerequisites(true, (p) => all.has(p), '/usr/bin')).toBeUndefined();
  });
});
