import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds, ticksPerSecond } from './gateway/stats';

/** CPU seconds every process has used so far, by pid, with a name for grouping. */
export type CpuSnapshot = Map<number, { name: string; seconds: number }>;

/** Names a process: the app of a built `dist/apps/<app>/…` entry point, Kafka, else its command. */
function processName(pid: number): string {
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const app = cmdline.map((arg) => /dist\/apps\/([^/]+)\//.exec(arg)?.[1]).find(Boolean);
  if (app) return app;
  if (cmdline.some((arg) => arg === 'kafka.Kafka')) return 'kafka';
  if (pid === process.pid) return 'this benchmark';
  return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
}

/** Every process's CPU seconds so far (Linux only); processes that vanish meanwhile are skipped. */
export function cpuSnapshot(): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      snapshot.set(pid, { name: processName(pid), seconds: cpuSeconds(pid) });
    } catch {
      // It exited between the listing and the read.
    }
  }
  return snapshot;
}

/** The machine's busy CPU seconds so far, all cores (user, nice, system, irq, softirq, steal). */
export function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  return (user + nice + system + irq + softirq + steal) / ticksPerSecond;
}

/**
 * CPU seconds used between two snapshots, summed by process name, largest first. A process
 * that started in between counts from zero; one that ended in between is not counted.
 */
export function cpuUsedBetween(before: CpuSnapshot, after: CpuSnapshot): [string, number][] {
  const byName = new Map<string, number>();
  for (const [pid, { name, seconds }] of after) {
    const used = seconds - (before.get(pid)?.seconds ?? 0);
    if (used > 0) byName.set(name, (byName.get(name) ?? 0) + used);
  }
  return [...byName].sort((a, b) => b[1] - a[1]);
}
