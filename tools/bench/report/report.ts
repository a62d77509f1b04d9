// docs/benchmarks.md and its charts from the figures each benchmark returned.
import type { AuthFigures } from '../auth-bench';
import type { EventsFigures } from '../events-bench';
import type { GatewayFigures } from '../gateway-bench';
import type { MemoryFigures } from '../memory-bench';
import type { SagaFigures } from '../saga-bench';
import type { WebtoonFigures } from '../webtoon-bench';
import { barChart, latencyChart } from './svg';

export const BENCHMARKS = ['gateway', 'webtoon', 'saga', 'events', 'auth', 'memory'] as const;
export type BenchName = (typeof BENCHMARKS)[number];

/** Where and when one benchmark ran. */
export interface Run {
  date: string;
  commit: string;
  cores: number;
  cpu: string;
  ramGb: number;
  node: string;
  loadBefore: number;
  loadAfter: number;
  seconds: number;
}

interface FiguresOf {
  gateway: GatewayFigures;
  webtoon: WebtoonFigures;
  saga: SagaFigures;
  events: EventsFigures;
  auth: AuthFigures;
  memory: MemoryFigures;
}

export type Results = { [K in BenchName]?: { run: Run; figures: FiguresOf[K] } };

/** A figure beside its goal: `at most` for latencies and memory, `at least` for rates. */
interface Goal {
  what: string;
  value: number | undefined;
  shown: string;
  goal?: {
    kind: 'max' | 'min';
    limit: number;
    shown: string;
    timed?: boolean;
    /** Measured before the benchmark made load of its own: judge by the load before it. */
    beforeOwnLoad?: boolean;
  };
}

/**
 * A figure of time or speed taken while the machine ran more than two runnable tasks per core
 * measures the neighbours; its goal is then not judged (memory figures are).
 */
const OVERLOADED_PER_CORE = 2;

function status(goal: Goal, run: Run): string {
  if (!goal.goal) return '';
  if (goal.value === undefined || !Number.isFinite(goal.value)) return 'not measured';
  const met =
    goal.goal.kind === 'max' ? goal.value <= goal.goal.limit : goal.value >= goal.goal.limit;
  const load = goal.goal.beforeOwnLoad ? run.loadBefore : Math.max(run.loadBefore, run.loadAfter);
  if (goal.goal.timed && load > OVERLOADED_PER_CORE * run.cores)
    return `not judged: load ${load.toFixed(0)} on ${run.cores} cores (${met ? 'met' : 'not met'} as measured)`;
  return met ? '**met**' : 'not met';
}

const ms = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(1)} ms`);
const num = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? '-' : Math.round(value).toLocaleString('en');
const pct = (ratio: number | undefined) =>
  ratio === undefined ? '-' : `${Math.round(ratio * 100)} %`;

function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function goalTable(goals: Goal[], run: Run): string {
  return table(
    ['figure', 'measured', 'goal', 'status'],
    goals.map((g) => [g.what, g.shown, g.goal?.shown ?? '—', status(g, run)]),
  );
}

function runLine(run: Run): string {
  return (
    `Measured ${run.date.slice(0, 16).replace('T', ' ')} UTC at commit \`${run.commit}\`, ` +
    `${run.cores} × ${run.cpu}, ${run.ramGb} GB RAM, Node.js ${run.node}; ` +
    `load average ${run.loadBefore.toFixed(1)} before, ${run.loadAfter.toFixed(1)} after; took ${Math.round(run.seconds)} s.`
  );
}

interface Section {
  title: string;
  goals: Goal[];
  body: string;
  images: Record<string, string>;
}

function gateway({ figures: f }: { figures: GatewayFigures }): Section {
  const row = (prefix: string) => f.rows.find((r) => r.name.startsWith(prefix));
  const ours = row('this gateway');
  const goals: Goal[] = [
    {
      what: 'req/s vs express-gateway (median of per-round ratios)',
      value: f.ratios.vsExpressGateway,
      shown:
        f.ratios.vsExpressGateway === undefined ? '-' : `${f.ratios.vsExpressGateway.toFixed(2)}×`,
      goal: { kind: 'min', limit: 4, shown: '≥ 4×', timed: true },
    },
    {
      what: 'req/s vs the featureless node:http + undici proxy',
      value: f.ratios.vsNodeFloor,
      shown: pct(f.ratios.vsNodeFloor),
      goal: { kind: 'min', limit: 0.9, shown: '≥ 90 %', timed: true },
    },
    {
      what: 'req/s vs nginx',
      value: f.ratios.vsNginx,
      shown: f.ratios.vsNginx === undefined ? 'nginx not installed' : pct(f.ratios.vsNginx),
      goal: { kind: 'min', limit: 0.5, shown: '≥ 50 %', timed: true },
    },
    {
      what: `p99 added over the upstream at ${f.rate} req/s`,
      value: f.addedP99,
      shown: ms(f.addedP99),
      goal: { kind: 'max', limit: 5, shown: '≤ 5 ms', timed: true },
    },
    { what: 'this gateway, req/s at saturation', value: ours?.rps, shown: num(ours?.rps) },
  ];
  const body = [
    `GET through each target to the same trivial upstream: autocannon, ${f.connections} connections × ${f.duration} s per target and round, then ${f.rate} req/s over 10 connections; ${f.rounds} rounds, targets in turn, medians. ` +
      (f.pinned
        ? 'Every server pinned to the same CPU, the load generator on the other.'
        : 'No CPU pinning.'),
    '',
    table(
      ['path', 'req/s', 'p50 ms', 'p99 ms', `p50 @${f.rate}/s`, `p99 @${f.rate}/s`, 'errors'],
      f.rows.map((r) => [r.name, num(r.rps), r.p50, r.p99, r.fixedP50, r.fixedP99, r.errors]),
    ),
    '',
    '![req/s per target](images/bench-gateway.svg)',
  ].join('\n');
  return {
    title: 'Gateway',
    goals,
    body,
    images: {
      'bench-gateway.svg': barChart({
        title: 'Gateway benchmark: req/s at saturation (median of rounds)',
        unit: 'req/s',
        series: ['req/s'],
        rows: f.rows.map((r) => ({ label: r.name, values: [r.rps] })),
      }),
    },
  };
}

function webtoon({ figures: f }: { figures: WebtoonFigures }): Section {
  const goals: Goal[] = f.reads.map((read) => ({
    what: `${read.label}: cached, share of the bare server's req/s`,
    value: read.cached.shares ? median(read.cached.shares) : undefined,
    shown: pct(read.cached.shares ? median(read.cached.shares) : undefined),
  }));
  const body = [
    `The built webtoon service (seed data) beside a bare node:http server answering the same JSON, ${f.connections} connections, targets in turn, medians of rounds; LOG_LEVEL=${f.logLevel}. No goal of its own: it shows what the framework and the read cache cost.`,
    '',
    table(
      ['read', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
      f.reads.flatMap((read) =>
        (
          [
            ['bare node:http, same JSON', read.bare],
            ['webtoon, read cache on', read.cached],
            ['webtoon, read cache off', read.uncached],
          ] as const
        ).map(([server, r]) => [
          `${read.label} (${read.bytes} B)`,
          server,
          num(r.rps),
          r.p50,
          r.p99,
          r.non2xx,
        ]),
      ),
    ),
    '',
    '![req/s per read](images/bench-webtoon.svg)',
  ].join('\n');
  return {
    title: 'Webtoon reads',
    goals,
    body,
    images: {
      'bench-webtoon.svg': barChart({
        title: 'Webtoon reads: req/s (median of rounds)',
        unit: 'req/s',
        series: ['bare node:http', 'webtoon, cache on', 'webtoon, cache off'],
        rows: f.reads.map((read) => ({
          label: read.label.replace(/^GET \S+\/(episodes\/1)?.*$/, (_m, episode) =>
            episode ? 'GET a free episode' : 'GET a series',
          ),
          values: [read.bare.rps, read.cached.rps, read.uncached.rps],
        })),
      }),
    },
  };
}

function saga({ figures: f }: { figures: SagaFigures }): Section {
  const goals: Goal[] = [
    {
      what: `purchase → settled as completed, p50 (${f.concurrency} clients)`,
      value: f.p50,
      shown: ms(f.p50),
      goal: { kind: 'max', limit: 30, shown: '≤ 30 ms', timed: true },
    },
    {
      what: `purchase → settled as completed, p99 (${f.concurrency} clients)`,
      value: f.p99,
      shown: ms(f.p99),
      goal: { kind: 'max', limit: 100, shown: '≤ 100 ms', timed: true },
    },
    { what: 'p90', value: f.p90, shown: ms(f.p90) },
    {
      what: `purchase → the client sees it (${f.pollMs > 0 ? `polling every ${f.pollMs} ms` : 'Prefer: wait=3'}), p50 / p99`,
      value: f.seenP99,
      shown: `${ms(f.seenP50)} / ${ms(f.seenP99)}`,
    },
    {
      what: 'throughput',
      value: f.purchasesPerSecond,
      shown: `${f.purchasesPerSecond.toFixed(1)} purchases/s`,
    },
    {
      what: 'CPU per purchase over the machine, while the purchases ran',
      value: f.cpuMsPerPurchase,
      shown: `${ms(f.cpuMsPerPurchase)} (${f.cpuByProcess.map(([name, used]) => `${name} ${used.toFixed(1)}`).join(', ')})`,
    },
    {
      what: `mean latency that CPU allows ${f.concurrency} closed-loop clients (clients × CPU per purchase ÷ cores)`,
      value: f.cpuBoundMeanMs,
      shown: `≥ ${ms(f.cpuBoundMeanMs)}`,
    },
  ];
  const body = [
    `${f.purchases} purchases through the real webtoon and payment services and Kafka, ${f.concurrency} clients at a time, each a reader of its own; settled is webtoon's \`settled_at\` (the start of the transaction that completes the purchase), and each client ${f.pollMs > 0 ? `polls its purchase every ${f.pollMs} ms` : 'reads its purchase with `Prefer: wait=3`, answered when it settles'}. Outcomes: ${Object.entries(
      f.outcomes,
    )
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}.`,
    '',
    "Where the time goes: a chain of steps that add up to the client's figure, from the services' own tables (outbox rows written, events applied) and the Kafka message timestamps (each relay's produce); the asides are not part of the chain ([performance.md](performance.md#purchase-saga)):",
    '',
    table(
      ['hop', 'p50', 'p99'],
      f.hops.map((hop) => [hop.name, ms(hop.p50), ms(hop.p99)]),
    ),
    '',
    '![saga latency distribution](images/bench-saga.svg)',
    '',
    '![saga hops](images/bench-saga-hops.svg)',
  ].join('\n');
  return {
    title: 'Purchase saga',
    goals,
    body,
    images: {
      'bench-saga.svg': latencyChart({
        title: `Purchase saga: request → completed (${f.purchases} purchases, ${f.concurrency} clients)`,
        series: [
          { name: 'purchase → settled', values: f.latencies },
          { name: 'purchase → client sees it', values: f.seen },
        ],
        goals: [
          { value: 30, label: 'p50 goal' },
          { value: 100, label: 'p99 goal' },
        ],
      }),
      'bench-saga-hops.svg': barChart({
        title: 'Purchase saga: time per hop',
        unit: 'ms',
        series: ['p50', 'p99'],
        rows: f.hops.map((hop) => ({ label: hop.name, values: [hop.p50, hop.p99] })),
      }),
    },
  };
}

function events({ figures: f }: { figures: EventsFigures }): Section {
  const goals: Goal[] = [
    { what: 'publish → handled, one at a time, p50', value: f.idleP50, shown: ms(f.idleP50) },
    { what: 'publish → handled, one at a time, p99', value: f.idleP99, shown: ms(f.idleP99) },
    {
      what: `saturated (${f.writers} writers), p50 / p99`,
      value: f.loadedP99,
      shown: `${ms(f.loadedP50)} / ${ms(f.loadedP99)}`,
    },
    {
      what: 'publish rate (committed)',
      value: f.publishPerSecond,
      shown: `${num(f.publishPerSecond)} events/s`,
    },
    {
      what: 'end-to-end rate (handled)',
      value: f.handledPerSecond,
      shown: `${num(f.handledPerSecond)} events/s`,
    },
  ];
  const body = [
    `PostgreSQL outbox → relay → Kafka → idempotent handler, in one process against the dev stack: ${f.latencyEvents} events one at a time, then ${f.throughputEvents} from ${f.writers} writers. No goal of its own; the saga's goal depends on it (one saga is two such hops).`,
    '',
    '![event latency distribution](images/bench-events.svg)',
  ].join('\n');
  return {
    title: 'Event bus',
    goals,
    body,
    images: {
      'bench-events.svg': latencyChart({
        title: `Event bus: publish → handled, one at a time (${f.latencyEvents} events)`,
        series: [{ name: 'publish → handled', values: f.idle }],
      }),
    },
  };
}

function auth({ figures: f }: { figures: AuthFigures }): Section {
  const goals: Goal[] = [
    {
      what: `argon2id ${f.argon2}: hash / verify`,
      value: f.hashMs,
      shown: `${ms(f.hashMs)} / ${ms(f.verifyMs)}`,
    },
    {
      what: 'logins/s (the hash bounds it)',
      value: f.loginsPerSecond,
      shown: f.loginsPerSecond.toFixed(1),
    },
    { what: 'login p50 / p99', value: f.loginP99, shown: `${f.loginP50} ms / ${f.loginP99} ms` },
    {
      what: 'token verifications/s, signature checked',
      value: f.verificationsPerSecond,
      shown: num(f.verificationsPerSecond),
    },
    {
      what: 'token verifications/s, cache hit',
      value: f.cachedVerificationsPerSecond,
      shown: num(f.cachedVerificationsPerSecond),
    },
    { what: 'HTTP req/s through the JWT guard', value: f.guardedRps, shown: num(f.guardedRps) },
    { what: 'HTTP req/s, same app, public route', value: f.publicRps, shown: num(f.publicRps) },
  ];
  return {
    title: 'Auth',
    goals,
    body: 'The real auth service at its password-hash cost, and the JWT guard every service runs. No goal of its own: the hash cost is a security setting.',
    images: {},
  };
}

function memory({ figures: f }: { figures: MemoryFigures }): Section {
  const apps = Object.entries(f.apps);
  const max = (key: 'idleMb' | 'afterMb') => Math.max(...apps.map(([, a]) => a[key]));
  const total = apps.reduce((sum, [, a]) => sum + a.afterMb, 0);
  const goals: Goal[] = [
    {
      what: `start-up as \`npm start\` ${f.stackWasRunning === false ? 'from a stopped stack' : 'with the stack running'}: all apps ready and registered`,
      value: f.startS,
      shown: `${f.startS.toFixed(1)} s (spawn → ready ${f.readyS.toFixed(1)} s)`,
      // Timed before the benchmark's own load phase, which raises the load average after it.
      goal: { kind: 'max', limit: 30, shown: '≤ 30 s', timed: true, beforeOwnLoad: true },
    },
    {
      what: 'largest app RSS, idle after start',
      value: max('idleMb'),
      shown: `${num(max('idleMb'))} MB`,
      goal: { kind: 'max', limit: 120, shown: '≤ 120 MB' },
    },
    {
      what: 'largest app RSS after the load',
      value: max('afterMb'),
      shown: `${num(max('afterMb'))} MB`,
      goal: { kind: 'max', limit: 160, shown: '≤ 160 MB' },
    },
    {
      what: 'all apps + dev stack after the load',
      value: total + f.stackMb,
      shown: `${num(total + f.stackMb)} MB (dev stack ${num(f.stackMb)} MB)`,
      goal: { kind: 'max', limit: 2048, shown: '≤ 2 GB' },
    },
  ];
  const body = [
    `The apps built and started as \`npm start\` starts them (own process, registered in Consul, the dev stack), RSS from /proc: idle 10 s after all are ready, the peak and the figure 5 s after ${f.loadSeconds} s of the load generator through the gateway (${f.connections} connections) plus news and blog reads.`,
    '',
    table(
      ['app', 'idle MB', 'peak MB', 'after load MB'],
      apps.map(([name, a]) => [name, num(a.idleMb), num(a.peakMb), num(a.afterMb)]),
    ),
    '',
    '![RSS per app](images/bench-memory.svg)',
  ].join('\n');
  return {
    title: 'Memory and start-up',
    goals,
    body,
    images: {
      'bench-memory.svg': barChart({
        title: 'RSS per app (MB)',
        unit: 'MB',
        series: ['idle', 'peak under load', 'after load'],
        rows: apps.map(([name, a]) => ({ label: name, values: [a.idleMb, a.peakMb, a.afterMb] })),
        goal: { value: 120, label: 'idle goal 120 MB' },
      }),
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const COMMANDS: Record<BenchName, string> = {
  gateway: 'npm run bench:gateway',
  webtoon: 'npm run bench:webtoon',
  saga: 'npm run bench:saga',
  events: 'npm run bench:events',
  auth: 'npm run bench:auth',
  memory: 'npm run bench:memory',
};

export function render(results: Results): { markdown: string; images: Record<string, string> } {
  const sections: [BenchName, Section, Run][] = [];
  const build = <K extends BenchName>(name: K, make: (r: { figures: FiguresOf[K] }) => Section) => {
    const result = results[name] as { run: Run; figures: FiguresOf[K] } | undefined;
    if (result) sections.push([name, make(result), result.run]);
  };
  build('gateway', gateway);
  build('webtoon', webtoon);
  build('saga', saga);
  build('events', events);
  build('auth', auth);
  build('memory', memory);

  const images: Record<string, string> = {};
  const summary = sections.flatMap(([, section, run]) =>
    section.goals
      .filter((g) => g.goal)
      .map((g) => [
        section.title,
        g.what,
        g.shown,
        g.goal?.shown ?? '',
        status(g, run),
        run.loadBefore.toFixed(1),
      ]),
  );
  const lines = [
    '# Benchmarks',
    '',
    '<!-- Written by `npm run bench` (tools/bench/bench.ts) from docs/benchmarks.json; edits here are overwritten. -->',
    '',
    'Every figure below comes from one run of `npm run bench`, which runs each benchmark in',
    '`tools/bench/` with its defaults against the dev stack and writes this page and its charts',
    "(`npm run bench -- --only saga` reruns one and keeps the others' last figures). Each section",
    'names its machine, date, commit and load average. On a shared or busy machine absolute',
    'figures (latency, req/s) follow the load average; the ratios measured within one run',
    '(gateway vs the other proxies, webtoon vs a bare server) are the figures to compare.',
    'How each benchmark works and what changed the figures: [performance.md](performance.md).',
    '',
    '## Goals',
    '',
    table(['benchmark', 'figure', 'measured', 'goal', 'status', 'load avg'], summary),
    '',
  ];
  for (const [name, section, run] of sections) {
    Object.assign(images, section.images);
    lines.push(
      `## ${section.title}`,
      '',
      `\`${COMMANDS[name]}\` · ${runLine(run)}`,
      '',
      goalTable(section.goals, run),
      '',
      section.body,
      '',
    );
  }
  const missing = BENCHMARKS.filter((name) => !results[name]);
  if (missing.length > 0) lines.push(`Not measured yet: ${missing.join(', ')}.`, '');
  return { markdown: lines.join('\n'), images };
}
