import { parseAllDocuments } from 'yaml';
import { defaultTag, until } from '@tools/images';
import { PLATFORM_NAMESPACE as NS } from './config';
import { deployPlatform, renderLocalOverlay } from './deploy';
import { readClusterEnv } from './env';
import { kubectl } from './index';

/** The Deployment the demo loads; every other one must keep its replica count. */
export const SCALED = 'webtoon';
export const LOAD_JOB = 'load-generator';

export interface LoadShape {
  /** Requests per second the load generator holds (open loop). */
  rate: number;
  rampUpS: number;
  holdS: number;
  rampDownS: number;
}

export interface ScaleDemoOptions {
  load: LoadShape;
  /** Deploy the platform first (default true); false reuses what runs. */
  deploy?: boolean;
  tag?: string;
  sampleEveryMs?: number;
  /** After the load's end, how long webtoon may take to return to its minimum. */
  scaleInWithinS?: number;
  onSample?: (sample: Sample) => void;
  onLine?: (line: string) => void;
}

export interface Sample {
  /** Seconds since the load generator's Job was created. */
  t: number;
  phase: 'load' | 'after';
  /** spec.replicas per Deployment: what the HPA (or the manifest) asks for. */
  replicas: Record<string, number>;
  ready: Record<string, number>;
  /** Sum of webtoon's pods' CPU as metrics-server reports it, in millicores. */
  webtoonCpuMilli?: number;
  /** The HPA's view: average CPU of webtoon's pods as a percentage of their request. */
  hpaUtilization?: number;
  hpaDesired?: number;
  /** The load generator's last seconds: requests per second, their p95, errors. */
  rps?: number;
  p95Ms?: number;
  errors?: number;
}

export interface LoadFigures {
  requests: number;
  errors: number;
  errorRatio: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  endpoints: Record<string, { requests: number; statuses: Record<string, number>; p95Ms: number }>;
}

export interface ScaleDemoResult {
  startedAt: string;
  load: LoadShape;
  hpa: { min: number; max: number; targetUtilization: number; cpuRequestMilli: number };
  /** spec.replicas of every Deployment before the load. */
  baseline: Record<string, number>;
  samples: Sample[];
  /** When the Job finished, seconds after its creation. */
  loadEndedAtS: number;
  /** First sample where webtoon asked for more than its minimum. */
  scaledOutAtS?: number;
  maxWebtoonReplicas: number;
  /** First sample after the load with webtoon back at its minimum, every pod ready. */
  scaledInAtS?: number;
  /** Deployments other than webtoon whose replicas differed from the baseline in some sample. */
  othersChanged: string[];
  figures?: LoadFigures;
}

interface DeploymentList {
  items: {
    metadata: { name: string };
    spec: { replicas?: number };
    status: { readyReplicas?: number };
  }[];
}

interface Hpa {
  spec: {
    minReplicas?: number;
    maxReplicas: number;
    metrics: { resource?: { name: string; target: { averageUtilization?: number } } }[];
  };
  status: {
    currentReplicas?: number;
    desiredReplicas?: number;
    currentMetrics?: { resource?: { current: { averageUtilization?: number } } }[];
  };
}

export interface LoadProgress {
  t: number;
  rps: number;
  errors: number;
  p95Ms: number;
}

/** CPU quantities as metrics-server writes them (`12345678n`, `250m`, `1`) in millicores. */
export function cpuMilli(quantity: string): number {
  const m = /^([\d.]+)([num]?)$/.exec(quantity);
  if (!m) throw new Error(`not a CPU quantity: ${quantity}`);
  const value = Number(m[1]);
  const per = { n: 1e-6, u: 1e-3, m: 1, '': 1000 }[m[2] as 'n' | 'u' | 'm' | ''];
  return value * per;
}

/** The load generator's `--progress=json` lines and its final `result` line. */
export function parseLoadLog(log: string): { progress: LoadProgress[]; result?: LoadFigures } {
  const progress: LoadProgress[] = [];
  let result: LoadFigures | undefined;
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as { progress?: LoadProgress; result?: LoadFigures };
      if (parsed.progress) progress.push(parsed.progress);
      if (parsed.result) result = parsed.result;
    } catch {
      // A line cut off while the pod was writing it: the next poll reads it whole.
    }
  }
  return { progress, result };
}

/** The last `n` seconds of progress: mean rate, worst p95, errors. */
export function recentLoad(
  progress: LoadProgress[],
  n = 5,
): Pick<Sample, 'rps' | 'p95Ms' | 'errors'> {
  const last = progress.slice(-n);
  if (last.length === 0) return {};
  return {
    rps: last.reduce((s, p) => s + p.rps, 0) / last.length,
    p95Ms: Math.max(...last.map((p) => p.p95Ms)),
    errors: last.reduce((s, p) => s + p.errors, 0),
  };
}

export const json = async <T>(args: string[]): Promise<T> =>
  JSON.parse(await kubectl(['-n', NS, ...args, '-o', 'json'])) as T;

export async function deployments(): Promise<Pick<Sample, 'replicas' | 'ready'>> {
  const list = await json<DeploymentList>(['get', 'deployments']);
  const replicas: Record<string, number> = {};
  const ready: Record<string, number> = {};
  for (const d of list.items) {
    replicas[d.metadata.name] = d.spec.replicas ?? 1;
    ready[d.metadata.name] = d.status.readyReplicas ?? 0;
  }
  return { replicas, ready };
}

async function webtoonCpu(): Promise<number | undefined> {
  const raw = await kubectl([
    'get',
    '--raw',
    `/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods?labelSelector=app.kubernetes.io%2Fname%3D${SCALED}`,
  ]).catch(() => undefined);
  if (!raw) return undefined;
  const pods = (JSON.parse(raw) as { items: { containers: { usage: { cpu: string } }[] }[] }).items;
  if (pods.length === 0) return undefined;
  return pods.reduce(
    (sum, pod) => sum + pod.containers.reduce((s, c) => s + cpuMilli(c.usage.cpu), 0),
    0,
  );
}

const hpaUtilization = (hpa: Hpa): number | undefined =>
  hpa.status.currentMetrics?.[0]?.resource?.current.averageUtilization;

export async function jobState(): Promise<'running' | 'done'> {
  const job = await json<{ status: { completionTime?: string; failed?: number } }>([
    'get',
    'job',
    LOAD_JOB,
  ]);
  return job.status.completionTime || (job.status.failed ?? 0) > 0 ? 'done' : 'running';
}

export const jobLog = () => kubectl(['-n', NS, 'logs', `job/${LOAD_JOB}`]).catch(() => '');

/**
 * The load generator Job of the local overlay, un-suspended, with this run's load shape and
 * progress as JSON lines. Created anew: a Job's pod template cannot change.
 */
export async function startLoadJob(load: LoadShape, tag: string): Promise<void> {
  const env = readClusterEnv();
  const doc = parseAllDocuments(renderLocalOverlay(env.KUBECTL, tag))
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } })
    .find((o) => o.kind === 'Job' && o.metadata?.name === LOAD_JOB) as
    | {
        spec: {
          suspend?: boolean;
          template: { spec: { containers: { args?: string[] }[] } };
        };
      }
    | undefined;
  if (!doc) throw new Error(`k8s/overlays/local renders no Job ${LOAD_JOB}`);
  doc.spec.suspend = false;
  doc.spec.template.spec.containers[0].args = [
    '--url=http://gateway:8080',
    `--rate=${load.rate}`,
    `--ramp-up=${load.rampUpS}`,
    `--duration=${load.holdS}`,
    `--ramp-down=${load.rampDownS}`,
    '--out=/tmp/load-result.json',
    '--progress=json',
  ];
  await kubectl(['-n', NS, 'delete', 'job', LOAD_JOB, '--ignore-not-found', '--wait=true']);
  await kubectl(['-n', NS, 'create', '-f', '-'], { input: JSON.stringify(doc) });
}

/**
 * The cluster demo: webtoon at its autoscaler's minimum, the load generator Job drives the
 * reader mix through the gateway, the HPA scales webtoon out on CPU, and after the load it
 * scales back in; every other Deployment is watched for any change of its replica count.
 * Bounded: the load's own length plus `scaleInWithinS`, plus the waits for a steady start.
 */
export async function runScaleDemo(opts: ScaleDemoOptions): Promise<ScaleDemoResult> {
  const say = opts.onLine ?? (() => undefined);
  const every = opts.sampleEveryMs ?? 5_000;
  const scaleInWithinS = opts.scaleInWithinS ?? 240;
  const tag = opts.tag ?? defaultTag();
  if (opts.deploy !== false) await deployPlatform({ quiet: true, tag });

  const hpa = await json<Hpa>(['get', 'hpa', SCALED]);
  const min = hpa.spec.minReplicas ?? 1;
  const target = hpa.spec.metrics.find((m) => m.resource?.name === 'cpu')?.resource?.target
    .averageUtilization;
  if (target === undefined) throw new Error(`HPA ${SCALED} has no CPU utilisation target`);
  const deployment = await json<{
    spec: { template: { spec: { containers: { resources: { requests?: { cpu?: string } } }[] } } };
  }>(['get', 'deployment', SCALED]);
  const request = deployment.spec.template.spec.containers[0].resources.requests?.cpu;

  say(`waiting for a steady start: ${SCALED} at ${min} ready pods, its HPA with CPU figures`);
  const start = await until(
    `${SCALED} at its minimum with CPU figures (a previous run may still be scaling in)`,
    async () => {
      const [d, h] = await Promise.all([deployments(), json<Hpa>(['get', 'hpa', SCALED])]);
      const util = hpaUtilization(h);
      const steady =
        d.replicas[SCALED] === min &&
        d.ready[SCALED] === min &&
        util !== undefined &&
        util < target;
      return steady ? { ...d, util } : undefined;
    },
    (scaleInWithinS + 120) * 1000,
  );
  say(
    `start: ${Object.entries(start.replicas)
      .map(([n, r]) => `${n} ${r}`)
      .join(' · ')}; ${SCALED} CPU ${start.util} % of its request (target ${target} %)`,
  );

  const startedAt = new Date().toISOString();
  await startLoadJob(opts.load, tag);
  const t0 = Date.now();
  const elapsed = () => (Date.now() - t0) / 1000;
  const loadS = opts.load.rampUpS + opts.load.holdS + opts.load.rampDownS;
  // The Job's pod must start and sign readers up first: a minute's margin on its own length.
  const loadDeadlineS = loadS + 120;
  const samples: Sample[] = [];
  let loadEndedAtS: number | undefined;
  let log = '';
  for (;;) {
    const tick = Date.now();
    const [d, h, cpu, state] = await Promise.all([
      deployments(),
      json<Hpa>(['get', 'hpa', SCALED]),
      webtoonCpu(),
      jobState(),
    ]);
    if (loadEndedAtS === undefined) log = await jobLog();
    if (state === 'done' && loadEndedAtS === undefined) loadEndedAtS = elapsed();
    const sample: Sample = {
      t: Math.round(elapsed()),
      phase: loadEndedAtS === undefined ? 'load' : 'after',
      ...d,
      webtoonCpuMilli: cpu === undefined ? undefined : Math.round(cpu),
      hpaUtilization: hpaUtilization(h),
      hpaDesired: h.status.desiredReplicas,
      ...(loadEndedAtS === undefined ? recentLoad(parseLoadLog(log).progress) : {}),
    };
    samples.push(sample);
    opts.onSample?.(sample);
    const back = d.replicas[SCALED] === min && d.ready[SCALED] === min;
    if (loadEndedAtS !== undefined && back) break;
    if (loadEndedAtS === undefined && elapsed() > loadDeadlineS)
      throw new Error(`the load generator Job did not finish within ${loadDeadlineS} s`);
    if (loadEndedAtS !== undefined && elapsed() - loadEndedAtS > scaleInWithinS) break;
    await new Promise((r) => setTimeout(r, Math.max(0, every - (Date.now() - tick))));
  }
  const ended = loadEndedAtS ?? elapsed();
  const figures = parseLoadLog(await jobLog()).result;

  const scaledOut = samples.find((s) => s.replicas[SCALED] > min);
  const scaledIn = samples.find(
    (s) => s.phase === 'after' && s.replicas[SCALED] === min && s.ready[SCALED] === min,
  );
  const othersChanged = Object.keys(start.replicas).filter(
    (name) => name !== SCALED && samples.some((s) => s.replicas[name] !== start.replicas[name]),
  );
  return {
    startedAt,
    load: opts.load,
    hpa: {
      min,
      max: hpa.spec.maxReplicas,
      targetUtilization: target,
      cpuRequestMilli: request ? cpuMilli(request) : 0,
    },
    baseline: start.replicas,
    samples,
    loadEndedAtS: Math.round(ended),
    scaledOutAtS: scaledOut?.t,
    maxWebtoonReplicas: Math.max(...samples.map((s) => s.replicas[SCALED])),
    scaledInAtS: scaledIn?.t,
    othersChanged,
    figures,
  };
}
