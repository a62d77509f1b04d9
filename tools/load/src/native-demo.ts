import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startApp, stopApps, type AppSpec, type RunningApp } from '@tools/start';
import { client, discover } from './catalogue';
import { runLoad } from './runner';
import { readerScenario } from './scenario';
import { LoadStats, type Figures, type SpanFigures } from './stats';

/** The service the demo scales; every other one is counted and must stay as it was. */
export const SCALED = 'webtoon';
export const OTHERS = ['gateway', 'auth', 'payment', 'news', 'blog', 'web'] as const;

export interface Instance {
  id: string;
  address: string;
  port: number;
  adminPort: number;
  /** Every check passing: the gateway routes to it (to all registered ones when none is). */
  passing: boolean;
}

export interface StepRow {
  step: string;
  /** Webtoon instances registered in Consul during the step. */
  instances: number;
  load: SpanFigures;
  /** Requests each instance served in the step (its own metrics), keyed `:port`. */
  served: Record<string, number>;
  /** Registered instances of every other service, counted at the step's end. */
  others: Record<string, number>;
  /** For a step that added an instance: from passing in Consul to its first proxied request. */
  firstRequestMs?: number;
}

export interface NativeDemoResult {
  rate: number;
  stepS: number;
  steps: StepRow[];
  figures: Figures;
}

export interface NativeDemoOptions {
  gatewayUrl: string;
  consulUrl: string;
  /** Env for the added instances: the dev stack's addresses, as `npm start` gives its apps. */
  env: Record<string, string>;
  /** Webtoon as `npm start` runs it; the added instances are copies on `extraPorts`. */
  webtoon: AppSpec;
  extraPorts: [{ port: number; adminPort: number }, { port: number; adminPort: number }];
  rate: number;
  stepS: number;
  headers?: Record<string, string>;
  logDir: string;
  onStep?: (row: StepRow) => void;
  onLine?: (line: string) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface HealthEntry {
  Node: { Address: string };
  Service: { ID: string; Address: string; Port: number; Meta: Record<string, string> | null };
  Checks: { Status: string }[];
}

/**
 * A service's instances as Consul has them registered. A running instance is counted even
 * while a busy machine makes it miss a check: the instance count is about processes, and
 * the demo must not report an instance gone because one check answered late.
 */
export async function registered(consulUrl: string, service: string): Promise<Instance[]> {
  const res = await fetch(`${consulUrl}/v1/health/service/${service}`, {
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw new Error(`Consul answered ${res.status} for ${service}`);
  return ((await res.json()) as HealthEntry[]).map((e) => ({
    id: e.Service.ID,
    address: e.Service.Address || e.Node.Address,
    port: e.Service.Port,
    adminPort: Number(e.Service.Meta?.admin_port),
    passing: e.Checks.every((c) => c.Status === 'passing'),
  }));
}

/**
 * Requests an instance answered on webtoon's API routes, from its own Prometheus metrics
 * (`http_request_duration_seconds_count`; health checks and scrapes are on other routes).
 */
export function servedFromMetrics(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\S+)$/gm)) {
    if (/route="\/api\/webtoons/.test(m[1])) total += Number(m[2]);
  }
  return total;
}

async function servedBy(instance: Instance): Promise<number> {
  const res = await fetch(`http://${instance.address}:${instance.adminPort}/metrics`, {
    signal: AbortSignal.timeout(15_000),
  });
  return servedFromMetrics(await res.text());
}

/** Each instance's share of what the instances served, as fractions keyed like `served`. */
export function shares(served: Record<string, number>): Record<string, number> {
  const total = Object.values(served).reduce((s, n) => s + n, 0);
  return Object.fromEntries(
    Object.entries(served).map(([k, n]) => [k, total === 0 ? 0 : n / total]),
  );
}

const key = (i: Pick<Instance, 'port'>) => `:${i.port}`;

/**
 * The native scaling demo on the dev stack: steady open-loop load of readers through the
 * gateway; webtoon starts with the one instance `npm start` runs, gets a second and a third
 * (real processes, registered in Consul like any instance), then loses them one by one
 * (SIGTERM: deregister, drain, exit). One row per step. Bounded: five steps of `stepS` plus
 * the instances' start (120 s at most each).
 */
export async function runNativeDemo(opts: NativeDemoOptions): Promise<NativeDemoResult> {
  const say = opts.onLine ?? (() => undefined);
  const initial = await registered(opts.consulUrl, SCALED);
  if (initial.length !== 1)
    throw new Error(
      `the demo starts from one webtoon instance; Consul lists ${initial.length} (is another demo running?)`,
    );

  const catalogue = await discover(client(opts.gatewayUrl, opts.headers ?? {}));
  const stats = new LoadStats();
  const abort = new AbortController();
  const load = runLoad({
    url: opts.gatewayUrl,
    mode: { kind: 'open', rate: opts.rate },
    // Held until the steps are done (the signal ends it); an hour bounds a forgotten run.
    stages: { rampUpS: 0, holdS: 3600, rampDownS: 0 },
    scenario: readerScenario(catalogue, { purchaseShare: 0, tokens: [] }),
    headers: opts.headers,
    timeoutMs: 5_000,
    signal: abort.signal,
    stats,
  });

  const added: RunningApp[] = [];
  const steps: StepRow[] = [];
  const measure = async (step: string, firstRequestMs?: number): Promise<StepRow> => {
    const instances = await registered(opts.consulUrl, SCALED);
    const before = await Promise.all(instances.map(servedBy));
    stats.takeSpan();
    await sleep(opts.stepS * 1000);
    const spanFigures = stats.takeSpan();
    const after = await Promise.all(instances.map(servedBy));
    const others: Record<string, number> = {};
    for (const name of OTHERS) others[name] = (await registered(opts.consulUrl, name)).length;
    const row: StepRow = {
      step,
      instances: instances.length,
      load: spanFigures,
      served: Object.fromEntries(instances.map((i, n) => [key(i), after[n] - before[n]])),
      others,
      firstRequestMs,
    };
    steps.push(row);
    opts.onStep?.(row);
    return row;
  };

  /** Starts a copy of webtoon and times its first proxied request after Consul lists it. */
  const addInstance = async (n: number): Promise<number> => {
    const ports = opts.extraPorts[n - 2];
    const spec: AppSpec = { ...opts.webtoon, ...ports };
    say(`starting webtoon instance ${n} on :${ports.port}`);
    const app = startApp(spec, opts.env, join(opts.logDir, `instance-${n}`));
    added.push(app);
    const deadline = performance.now() + 120_000;
    let passingAt = 0;
    let instance: Instance | undefined;
    while (performance.now() < deadline) {
      if (app.child.exitCode !== null)
        throw new Error(`webtoon instance ${n} exited (${opts.logDir}/instance-${n})`);
      if (!instance) {
        instance = (await registered(opts.consulUrl, SCALED)).find(
          (i) => i.port === ports.port && i.passing,
        );
        if (instance) passingAt = performance.now();
      } else if ((await servedBy(instance).catch(() => 0)) > 0) {
        return performance.now() - passingAt;
      }
      await sleep(instance ? 20 : 100);
    }
    throw new Error(`webtoon instance ${n} got no request within 120 s of starting`);
  };

  const removeInstance = async (n: number): Promise<void> => {
    const app = added.pop();
    if (!app) return;
    say(`stopping webtoon instance ${n} (SIGTERM: deregister, drain, exit)`);
    const codes = await stopApps([app]);
    if (codes.webtoon !== 0) throw new Error(`webtoon instance ${n} exited with ${codes.webtoon}`);
  };

  try {
    await sleep(2_000);
    await measure('1 instance (npm start)');
    await measure('+ instance 2', await addInstance(2));
    await measure('+ instance 3', await addInstance(3));
    await removeInstance(3);
    await measure('− instance 3');
    await removeInstance(2);
    await measure('− instance 2');
  } finally {
    abort.abort();
    await stopApps(added);
  }
  const figures = await load;
  return { rate: opts.rate, stepS: opts.stepS, steps, figures };
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** The per-step table as printed and in docs/scaling.md. */
export function stepTable(steps: StepRow[]): string[][] {
  return [
    [
      'STEP',
      'WEBTOON',
      'REQ/S SERVED',
      'P50 MS',
      'P99 MS',
      'ERRORS',
      'SHARE PER INSTANCE',
      'FIRST REQUEST',
      'OTHERS',
    ],
    ...steps.map((s) => [
      s.step,
      String(s.instances),
      s.load.servedRps.toFixed(1),
      s.load.p50Ms.toFixed(1),
      s.load.p99Ms.toFixed(1),
      String(s.load.errors),
      Object.entries(shares(s.served))
        .map(([k, f]) => `${k} ${pct(f)}`)
        .join(' · '),
      s.firstRequestMs === undefined ? '' : `${Math.round(s.firstRequestMs)} ms`,
      Object.entries(s.others)
        .map(([k, n]) => `${k} ${n}`)
        .join(' '),
    ]),
  ];
}
