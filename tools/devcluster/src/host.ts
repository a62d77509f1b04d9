import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterConfig } from './config';
import { containerdPaths } from './manifests';

export interface Requirement {
  what: string;
  /** Any of these existing paths satisfies it (commands are looked up on PATH). */
  anyOf: string[];
  install: string;
}

const CNI_DIRS = ['/usr/lib/cni', '/opt/cni/bin'];

export const REQUIREMENTS: Requirement[] = [
  { what: 'containerd', anyOf: ['containerd'], install: 'apt-get install containerd' },
  { what: 'ctr', anyOf: ['ctr'], install: 'apt-get install containerd' },
  { what: 'runc', anyOf: ['runc'], install: 'apt-get install runc' },
  {
    what: 'CNI plugins (bridge, host-local, portmap, firewall)',
    anyOf: CNI_DIRS.map((d) => join(d, 'firewall')),
    install: 'apt-get install containernetworking-plugins',
  },
  { what: 'iptables', anyOf: ['iptables'], install: 'apt-get install iptables' },
  { what: 'ip', anyOf: ['ip'], install: 'apt-get install iproute2' },
  { what: 'openssl', anyOf: ['openssl'], install: 'apt-get install openssl' },
  { what: 'gcc', anyOf: ['gcc'], install: 'apt-get install gcc' },
  {
    what: 'static C library (pause image)',
    anyOf: [
      '/usr/lib/x86_64-linux-gnu/libc.a',
      '/usr/lib/aarch64-linux-gnu/libc.a',
      '/usr/lib/libc.a',
    ],
    install: 'apt-get install libc6-dev',
  },
  { what: 'go', anyOf: ['go'], install: 'a Go toolchain >= 1.24 on PATH (go.dev/dl)' },
];

function onPath(cmd: string, path: string, exists: (p: string) => boolean): string | undefined {
  for (const dir of path.split(':').filter(Boolean)) {
    const p = join(dir, cmd);
    if (exists(p)) return p;
  }
  return undefined;
}

/** sudo often drops the sbin folders from PATH; runc and iptables live there. */
const DEFAULT_PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;

/** Resolves a requirement to a path, or undefined when nothing satisfies it. */
export function locate(
  req: Requirement,
  exists: (p: string) => boolean = existsSync,
  path = DEFAULT_PATH,
): string | undefined {
  for (const c of req.anyOf) {
    if (c.startsWith('/')) {
      if (exists(c)) return c;
    } else {
      const found = onPath(c, path, exists);
      if (found) return found;
    }
  }
  return undefined;
}

/** One line naming everything missing (root, commands and packages), or undefined. */
export function missingPrerequisites(
  isRoot: boolean,
  exists: (p: string) => boolean = existsSync,
  path = DEFAULT_PATH,
): string | undefined {
  const missing = REQUIREMENTS.filter((r) => locate(r, exists, path) === undefined);
  const parts: string[] = [];
  if (!isRoot)
    parts.push('it must run as root (containerd, kubelet, mounts, iptables): run it with sudo');
  if (missing.length > 0) {
    const apt = [
      ...new Set(
        missing.filter((m) => m.install.startsWith('apt-get')).map((m) => m.install.slice(16)),
      ),
    ];
    const other = missing.filter((m) => !m.install.startsWith('apt-get')).map((m) => m.install);
    parts.push(
      `missing ${missing.map((m) => m.what).join(', ')}` +
        (apt.length ? `: apt-get install ${apt.join(' ')}` : '') +
        (other.length ? `; ${other.join('; ')}` : ''),
    );
  }
  if (!exists('/proc/sys/net/bridge'))
    parts.push('the br_netfilter kernel module is not loaded (modprobe br_netfilter)');
  return parts.length ? `devcluster cannot run here: ${parts.join('; ')}` : undefined;
}

/** The path of a required command (its bare name when not found: the error names it then). */
export function tool(name: string): string {
  const req = REQUIREMENTS.find((r) => r.what === name);
  return (req && locate(req)) ?? name;
}

export function cniBinDir(): string {
  return CNI_DIRS.find((d) => existsSync(join(d, 'bridge'))) ?? CNI_DIRS[0];
}

export function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Splits a rule line of `iptables -S` into arguments (quoted comments stay one argument). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re))
    words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return words;
}

/** Chains the cluster's parts create: CNI plugins (CNI-), kubelet and kube-proxy (KUBE-), this tool. */
export const OUR_CHAIN = /^(CNI|KUBE|DEVCLUSTER)-/;

/**
 * iptables commands that remove the cluster's chains from one table, given its
 * `iptables -S` output: first the jumps to them from other chains, then flush, then delete.
 */
export function iptablesCleanup(table: string, rules: string): string[][] {
  const lines = rules.split('\n').filter(Boolean);
  const ours = lines
    .filter((l) => l.startsWith('-N '))
    .map((l) => l.split(' ')[1])
    .filter((c) => OUR_CHAIN.test(c));
  const cmds: string[][] = [];
  for (const l of lines) {
    const w = shellWords(l);
    if (w[0] !== '-A' || OUR_CHAIN.test(w[1])) continue;
    const j = w.indexOf('-j');
    if (j > 0 && OUR_CHAIN.test(w[j + 1] ?? '')) cmds.push(['-t', table, '-D', ...w.slice(1)]);
  }
  for (const c of ours) cmds.push(['-t', table, '-F', c]);
  for (const c of ours) cmds.push(['-t', table, '-X', c]);
  return cmds;
}

export const IPTABLES_TABLES = ['filter', 'nat', 'mangle'] as const;

/** Mount points (deepest first) under any of the prefixes, from /proc/mounts text. */
export function mountsUnder(procMounts: string, prefixes: string[]): string[] {
  const points = procMounts
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => prefixes.some((pre) => p === pre || p.startsWith(`${pre}/`)));
  const depth = (p: string) => p.split('/').length;
  return [...new Set(points)].sort((a, b) => depth(b) - depth(a) || b.length - a.length);
}

/** containerd shims serving our containerd (they outlive it when it is killed). */
export function shimPids(socket: string): number[] {
  const pids: number[] = [];
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0].includes('containerd-shim') && argv.includes(socket)) pids.push(Number(entry));
    } catch {
      // exited while scanning
    }
  }
  return pids;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The kubepods cgroup trees kubelet made with the cgroupfs driver (v1: one per controller). */
export function kubepodsCgroups(root = '/sys/fs/cgroup'): string[] {
  const dirs = [join(root, 'kubepods')];
  for (const c of safeReaddir(root)) dirs.push(join(root, c, 'kubepods'));
  return dirs.filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  });
}

function cgroupTree(dir: string): string[] {
  const out: string[] = [];
  for (const e of safeReaddir(dir)) {
    const p = join(dir, e);
    try {
      if (statSync(p).isDirectory()) out.push(...cgroupTree(p));
    } catch {
      // removed meanwhile
    }
  }
  out.push(dir);
  return out;
}

/** SIGKILLs every process in the pod cgroups, then removes the cgroups (deepest first). */
export function clearKubepods(): number {
  let killed = 0;
  for (const top of kubepodsCgroups()) {
    for (const cg of cgroupTree(top)) {
      for (const pid of readFileSafe(join(cg, 'cgroup.procs')).split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
          killed++;
        } catch {
          // already gone
        }
      }
    }
  }
  return killed;
}

export function removeKubepodsCgroups(): void {
  for (const top of kubepodsCgroups())
    for (const cg of cgroupTree(top)) {
      try {
        rmdirSync(cg);
      } catch {
        // still busy: a process is exiting; the next cleanup removes it
      }
    }
}

function readFileSafe(f: string): string {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}

/** Files kubelet writes outside its root dir, whatever --root-dir says. */
export const KUBELET_HOST_PATHS = [
  '/var/lib/kubelet',
  '/var/log/pods',
  '/var/log/containers',
  '/usr/libexec/kubernetes',
];

export interface Leftovers {
  shims: number[];
  mounts: string[];
  netns: string[];
  links: string[];
  chains: number;
  paths: string[];
  cgroups: string[];
}

function mountPrefixes(cfg: ClusterConfig): string[] {
  return [cfg.dir, containerdPaths(cfg).state];
}

/** What a previous run (possibly SIGKILLed) left on the host. */
export function findLeftovers(cfg: ClusterConfig): Leftovers {
  const chains = IPTABLES_TABLES.reduce(
    (n, t) => n + iptablesCleanup(t, run('iptables', ['-t', t, '-S']).out).length,
    0,
  );
  return {
    shims: shimPids(containerdPaths(cfg).socket),
    mounts: mountsUnder(readFileSafe('/proc/mounts'), mountPrefixes(cfg)),
    netns: safeReaddir('/run/netns').filter((n) => n.startsWith('cni-')),
    links: [cfg.bridge, cfg.iface].filter((l) => existsSync(`/sys/class/net/${l}`)),
    chains,
    paths: [
      ...KUBELET_HOST_PATHS,
      join(cfg.dir, 'kubelet'),
      containerdPaths(cfg).state,
      join(cfg.dir, 'cni', 'ipam'),
    ].filter((p) => existsSync(p)),
    cgroups: kubepodsCgroups(),
  };
}

export function describeLeftovers(l: Leftovers): string {
  const parts = [
    l.shims.length && `${l.shims.length} containerd shims`,
    l.mounts.length && `${l.mounts.length} mounts`,
    l.netns.length && `${l.netns.length} network namespaces`,
    l.links.length && `interfaces ${l.links.join(', ')}`,
    l.chains && `${l.chains} iptables rules/chains`,
    l.cgroups.length && 'pod cgroups',
    l.paths.length && `${l.paths.length} state folders`,
  ].filter(Boolean);
  return parts.join(', ');
}

/**
 * Removes everything the cluster leaves on the host once its processes are gone: container
 * processes, mounts, network namespaces and interfaces, iptables chains, state folders.
 */
export function cleanHost(cfg: ClusterConfig, opts: { keepIface?: boolean } = {}): void {
  for (const pid of shimPids(containerdPaths(cfg).socket)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  clearKubepods();
  for (const m of mountsUnder(readFileSafe('/proc/mounts'), mountPrefixes(cfg)))
    run('umount', ['-l', m]);
  for (const ns of safeReaddir('/run/netns').filter((n) => n.startsWith('cni-'))) {
    run('umount', ['-l', `/run/netns/${ns}`]);
    run('ip', ['netns', 'del', ns]);
  }
  for (const t of IPTABLES_TABLES)
    for (const cmd of iptablesCleanup(t, run('iptables', ['-t', t, '-S']).out))
      run('iptables', cmd);
  for (const link of [cfg.bridge, ...(opts.keepIface ? [] : [cfg.iface])])
    if (existsSync(`/sys/class/net/${link}`)) run('ip', ['link', 'del', link]);
  for (const p of [
    ...KUBELET_HOST_PATHS,
    join(cfg.dir, 'kubelet'),
    containerdPaths(cfg).state,
    join(cfg.dir, 'cni', 'ipam'),
  ])
    rmSync(p, { recursive: true, force: true });
  for (const f of safeReaddir('/var/lib/cni/results').filter((f) => f.startsWith('devcluster-')))
    rmSync(join('/var/lib/cni/results', f), { force: true });
  removeKubepodsCgroups();
}

/**
 * The node address lives on an interface of its own: a dummy one, or an empty bridge where
 * the kernel has no dummy driver (both only hold a local /32, nothing is routed out).
 */
export function ensureNodeAddress(cfg: ClusterConfig): string {
  if (!existsSync(`/sys/class/net/${cfg.iface}`)) {
    const dummy = run('ip', ['link', 'add', cfg.iface, 'type', 'dummy']);
    if (!dummy.ok) {
      const bridge = run('ip', ['link', 'add', cfg.iface, 'type', 'bridge']);
      if (!bridge.ok) throw new Error(`cannot create interface ${cfg.iface}: ${bridge.out.trim()}`);
    }
  }
  if (!run('ip', ['-4', '-o', 'addr', 'show', 'dev', cfg.iface]).out.includes(` ${cfg.nodeIp}/`)) {
    const add = run('ip', ['addr', 'add', `${cfg.nodeIp}/32`, 'dev', cfg.iface]);
    if (!add.ok) throw new Error(`cannot add ${cfg.nodeIp} to ${cfg.iface}: ${add.out.trim()}`);
  }
  run('ip', ['link', 'set', cfg.iface, 'up']);
  for (const [key, value] of [
    ['net/ipv4/ip_forward', '1'],
    ['net/bridge/bridge-nf-call-iptables', '1'],
  ]) {
    if (readFileSafe(`/proc/sys/${key}`).trim() !== value)
      run('sh', ['-c', `echo ${value} > /proc/sys/${key}`]);
  }
  return existsSync(`/sys/class/net/${cfg.iface}/bridge`) ? 'bridge' : 'dummy';
}

/**
 * Pods may reach each other and the node address, nothing else: traffic from the pod
 * bridge to any other interface is dropped (ipMasq is off too). The CNI firewall plugin
 * accepts pod traffic in CNI-FORWARD after consulting CNI-ADMIN, the chain it leaves to
 * administrators, so the rule is reached from there as well as from FORWARD.
 */
export function isolatePods(cfg: ClusterConfig): void {
  const chain = 'DEVCLUSTER-ISOLATION';
  for (const c of [chain, 'CNI-ADMIN'])
    if (!run('iptables', ['-t', 'filter', '-S', c]).ok) run('iptables', ['-N', c]);
  run('iptables', ['-F', chain]);
  run('iptables', ['-A', chain, '-i', cfg.bridge, '!', '-o', cfg.bridge, '-j', 'DROP']);
  for (const from of ['FORWARD', 'CNI-ADMIN'])
    if (!run('iptables', ['-C', from, '-j', chain]).ok)
      run('iptables', ['-I', from, '1', '-j', chain]);
}
