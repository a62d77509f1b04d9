import { execFileSync } from 'node:child_process';
import { appImage, defaultTag } from '@tools/images';
import { PLATFORM_NAMESPACE as NS } from './config';
import { deployPlatform } from './deploy';
import { kubectl, loadImages } from './index';
import {
  deployments,
  jobLog,
  jobState,
  json,
  LOAD_JOB,
  parseLoadLog,
  SCALED,
  startLoadJob,
  type LoadFigures,
  type LoadProgress,
  type LoadShape,
} from './scale-demo';

/** A stretch of the load run, in seconds since the load generator's own start. */
export interface Window {
  name: string;
  fromS: number;
  toS: number;
}

export interface WindowFigures {
  name: string;
  fromS: number;
  toS: number;
  requests: number;
  errors: number;
  errorRatio: number;
}

/**
 * The load generator's per-second progress summed over each window. A progress line at `t`
 * covers the second before it, so it belongs to the window holding `t - 1`.
 */
export function splitByWindows(progress: LoadProgress[], windows: Window[]): WindowFigures[] {
  return windows.map((w) => {
    const lines = progress.filter((p) => p.t - 1 >= w.fromS && p.t - 1 < w.toS);
    const requests = lines.reduce((s, p) => s + p.rps, 0);
    const errors = lines.reduce((s, p) => s + p.errors, 0);
    return { ...w, requests, errors, errorRatio: requests === 0 ? 0 : errors / requests };
  });
}

/**
 * Where the load generator's clock started, in host milliseconds: its progress line `t` was
 * written at start + t and seen here at `seenAt` or later, so the smallest `seenAt - t` over
 * all observations is the closest bound (within the poll interval plus a second).
 */
export class LoadClock {
  private startMs = Number.POSITIVE_INFINITY;

  observe(progress: LoadProgress[], seenAtMs: number): void {
    const last = progress[progress.length - 1];
    if (last) this.startMs = Math.min(this.startMs, seenAtMs - last.t * 1000);
  }

  get known(): boolean {
    return Number.isFinite(this.startMs);
  }

  /** Host time as seconds of the load generator's clock. */
  at(hostMs: number): number {
    return (hostMs - this.startMs) / 1000;
  }
}

export interface DisruptionOptions {
  /**
   * Requests per second (open loop), and the longest the load may hold after its 5 s ramp:
   * it is stopped a few seconds after the pod loss has settled.
   */
  rate: number;
  holdS: number;
  deploy?: boolean;
  tag?: string;
  onLine?: (line: string) => void;
}

export interface DisruptionResult {
  startedAt: string;
  load: LoadShape;
  /** The image webtoon ran before the rollout and the one it was rolled to. */
  rolledFrom: string;
  rolledTo: string;
  /** Seconds of the load generator's clock. */
  rolloutStartS: number;
  rolloutDoneS: number;
  deletedPod: string;
  podDeletedS: number;
  podReplacedS: number;
  /** When the load generator was told to stop. */
  stoppedS: number;
  windows: WindowFigures[];
  /** The gateway's retries to another instance during the run, by reason. */
  gatewayRetries?: Record<string, number>;
  figures?: LoadFigures;
}

/** How long each disruption's window runs on after it settled. */
const SETTLE_MS = 5_000;

interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { containers: { image: string }[] };
  status: { conditions?: { type: string; status: string }[] };
}

const webtoonPods = async (): Promise<Pod[]> =>
  (await json<{ items: Pod[] }>(['get', 'pods', '-l', `app.kubernetes.io/name=${SCALED}`])).items;

/** Polls `fn` every `everyMs` until it answers true, or fails after `ms` naming `what`. */
async function waitFor(what: string, fn: () => Promise<boolean>, ms: number, everyMs = 1_000) {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      if (await fn()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${ms / 1000} s (${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const isReady = (p: Pod) =>
  !p.metadata.deletionTimestamp &&
  (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * Webtoon has every wanted pod ready and none terminating (and, given an image, every pod on
 * it): a disruption is over.
 */
async function settled(image?: string): Promise<boolean> {
  const [d, pods] = await Promise.all([deployments(), webtoonPods()]);
  const want = d.replicas[SCALED];
  return (
    pods.length === want &&
    pods.filter(isReady).length === want &&
    d.ready[SCALED] === want &&
    (image === undefined || pods.every((p) => p.spec.containers[0].image === image))
  );
}

/** `gateway_upstream_retries_total{service="webtoon"}` by reason, through the API server's pod proxy. */
async function gatewayRetries(): Promise<Record<string, number> | undefined> {
  try {
    const pods = (
      await json<{ items: Pod[] }>(['get', 'pods', '-l', 'app.kubernetes.io/name=gateway'])
    ).items.filter(isReady);
    if (pods.length !== 1) return undefined;
    const text = await kubectl([
      'get',
      '--raw',
      `/api/v1/namespaces/${NS}/pods/${pods[0].metadata.name}:9080/proxy/metrics`,
    ]);
    const out: Record<string, number> = {};
    const re = /^gateway_upstream_retries_total\{([^}]*)\} (\S+)$/gm;
    for (const m of text.matchAll(re)) {
      if (!m[1].includes(`service="${SCALED}"`)) continue;
      const reason = /reason="([^"]*)"/.exec(m[1])?.[1] ?? 'unknown';
      out[reason] = (out[reason] ?? 0) + Number(m[2]);
    }
    return out;
  } catch {
    return undefined;
  }
}

const diff = (after?: Record<string, number>, before?: Record<string, number>) =>
  after && Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before?.[k] ?? 0)]));

/**
 * Rolling update and pod loss under load, on the dev cluster: while the load generator Job
 * drives the reader mix through the gateway, webtoon is rolled out to a new image reference
 * (the same build tagged anew, so the pod template changes and the Deployment replaces every
 * pod), then one of its pods is deleted. Returns the load generator's requests and failures
 * in each stretch. Bounded by the load's length plus two minutes for the Job to start.
 */
export async function runDisruptionDemo(opts: DisruptionOptions): Promise<DisruptionResult> {
  const say = opts.onLine ?? (() => undefined);
  const tag = opts.tag ?? defaultTag();
  if (opts.deploy !== false) await deployPlatform({ quiet: true, tag });

  // Two references to one build: whichever webtoon does not run now is the rollout's target.
  const built = appImage(SCALED, tag);
  const retagged = appImage(SCALED, `${tag}-rollout`);
  execFileSync('docker', ['tag', built, retagged]);
  await loadImages([built, retagged]);
  const current = (
    await json<{ spec: { template: { spec: { containers: { image: string }[] } } } }>([
      'get',
      'deployment',
      SCALED,
    ])
  ).spec.template.spec.containers[0].image;
  const rolledTo = current === retagged ? built : retagged;

  say(`waiting for ${SCALED} to settle (every pod ready, none terminating)`);
  await waitFor(`${SCALED} settled before the load`, () => settled(), 300_000);

  const load: LoadShape = { rate: opts.rate, rampUpS: 5, holdS: opts.holdS, rampDownS: 0 };
  const loadS = load.rampUpS + load.holdS;
  const retriesBefore = await gatewayRetries();
  const startedAt = new Date().toISOString();
  await startLoadJob(load, tag);
  const clock = new LoadClock();
  const poll = async () => {
    const seenAt = Date.now();
    const { progress } = parseLoadLog(await jobLog());
    clock.observe(progress, seenAt);
    return progress;
  };
  const nowS = () => clock.at(Date.now());

  say('load generator started; waiting for its ramp to end');
  await waitFor(
    'the load generator holding its rate (it signs readers up first)',
    async () => {
      const progress = await poll();
      return progress.length > 0 && progress[progress.length - 1].t >= load.rampUpS + 5;
    },
    120_000,
  );

  const rolloutStartS = nowS();
  say(`${Math.round(rolloutStartS)} s  rollout: ${SCALED} → ${rolledTo}`);
  await kubectl(['-n', NS, 'set', 'image', `deployment/${SCALED}`, `${SCALED}=${rolledTo}`]);
  // Polled here: `kubectl rollout status` would outlive kubectl()'s own time bound on a busy node.
  await waitFor(`${SCALED} rolled out, every pod ready`, () => settled(rolledTo), 300_000);
  const rolloutDoneS = nowS();
  say(`${Math.round(rolloutDoneS)} s  rollout done, old pods gone`);
  // The last old pod's drained connections and the new pods' first seconds belong to the rollout.
  await new Promise((r) => setTimeout(r, SETTLE_MS));

  const victim = (await webtoonPods()).filter(isReady)[0];
  const podDeletedS = nowS();
  say(`${Math.round(podDeletedS)} s  deleting pod ${victim.metadata.name}`);
  await kubectl(['-n', NS, 'delete', 'pod', victim.metadata.name, '--wait=false']);
  await waitFor(
    `${SCALED} back to every pod ready after the pod loss`,
    async () => {
      const pods = await webtoonPods();
      const gone = !pods.some((p) => p.metadata.name === victim.metadata.name);
      return gone && (await settled());
    },
    180_000,
  );
  const podReplacedS = nowS();
  say(`${Math.round(podReplacedS)} s  replacement ready, deleted pod gone`);
  // A few seconds more of load on the settled pods, then the load generator stops early and
  // reports (its SIGTERM handler); the hold is only an upper bound.
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const stoppedS = nowS();
  if (stoppedS > loadS)
    throw new Error(
      `the disruptions took until ${Math.round(stoppedS)} s of a ${loadS} s load: raise the hold`,
    );
  await kubectl([
    '-n',
    NS,
    'exec',
    `job/${LOAD_JOB}`,
    '--',
    'node',
    '-e',
    "process.kill(1, 'SIGTERM')",
  ]);
  await waitFor(
    'the load generator Job to finish',
    async () => (await jobState()) === 'done',
    60_000,
    2_000,
  );
  const { progress, result } = parseLoadLog(await jobLog());
  const retriesAfter = await gatewayRetries();
  const windows = splitByWindows(progress, [
    { name: 'before', fromS: 0, toS: rolloutStartS },
    { name: 'rollout', fromS: rolloutStartS, toS: podDeletedS },
    { name: 'pod loss', fromS: podDeletedS, toS: loadS + 1 },
  ]);
  return {
    startedAt,
    load,
    rolledFrom: current,
    rolledTo,
    rolloutStartS: Math.round(rolloutStartS),
    rolloutDoneS: Math.round(rolloutDoneS),
    deletedPod: victim.metadata.name,
    podDeletedS: Math.round(podDeletedS),
    podReplacedS: Math.round(podReplacedS),
    stoppedS: Math.round(stoppedS),
    windows,
    gatewayRetries: diff(retriesAfter, retriesBefore),
    figures: result,
  };
}

/** The run as a few lines: per window requests, failures and their share. */
export function disruptionSummary(r: DisruptionResult): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(3)} %`;
  const statuses = r.figures
    ? Object.entries(
        Object.values(r.figures.endpoints).reduce<Record<string, number>>((acc, e) => {
          for (const [s, n] of Object.entries(e.statuses)) acc[s] = (acc[s] ?? 0) + n;
          return acc;
        }, {}),
      )
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')
    : '–';
  return [
    `load: ${r.load.rate} req/s for ${r.stoppedS} s; rollout ${r.rolledFrom} → ${r.rolledTo} at ${r.rolloutStartS}–${r.rolloutDoneS} s; pod ${r.deletedPod} deleted at ${r.podDeletedS} s, replaced by ${r.podReplacedS} s`,
    ...r.windows.map(
      (w) =>
        `  ${w.name.padEnd(9)} ${Math.round(w.fromS)}–${Math.round(w.toS)} s: ${w.requests} requests, ${w.errors} failed (${pct(w.errorRatio)})`,
    ),
    `  whole run: ${r.figures ? `${r.figures.requests} requests, ${r.figures.errors} failed (${pct(r.figures.errorRatio)}), p50 ${r.figures.p50Ms.toFixed(1)} ms, p99 ${r.figures.p99Ms.toFixed(1)} ms` : 'no result from the load generator'}; statuses ${statuses}`,
    `  gateway retries to another webtoon instance: ${r.gatewayRetries ? JSON.stringify(r.gatewayRetries) : 'not read'}`,
  ];
}
