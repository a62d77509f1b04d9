/**
 * Memory per app in Kubernetes: the platform as `npm run cluster:deploy` runs it on the dev
 * cluster (the images, their Node.js and their NODE_OPTIONS), each container's memory read
 * from the kubelet's summary API: idle, the peak while the platform is under the same load as
 * `bench:memory`'s (through the gateway's NodePort) and a burst of sign-ins (auth's argon2),
 * and after them; next to the memory request and limit of each Deployment, which should
 * follow these figures (docs/performance.md).
 *
 *   npm run cluster:up && npm run cluster:deploy && npm run bench:pods
 *   BENCH_OUT=pods.json npm run bench:pods     (also writes the figures as JSON)
 *
 * RSS is the container's anonymous memory (the figure `bench:memory` reads from /proc);
 * the working set adds the page cache in use, and is what the kubelet and the limit count.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { LOAD_TEST_HEADER } from '@lib/contracts';
import { kubectl, PLATFORM_NAMESPACE as NAMESPACE, readClusterEnv } from '@tools/devcluster';
import { formatTable } from '@tools/devstack';
import { appSpecs } from '../start';
import { readNewsAndBlog, runLoadGenerator, type LoadFigures } from './memory-bench';

/** Each app's Deployment and container carry its name, as its process does in `npm start`. */
const APPS = appSpecs().map((spec) => spec.name);
const idleSettleMs = Number(process.env.BENCH_IDLE_SETTLE_MS ?? 10_000);
const loginBurstSeconds = Number(process.env.BENCH_LOGIN_BURST_S ?? 10);

/**
 * Sign-ins as fast as 16 readers send them, each its own account one at a time (auth counts
 * an account's sign-ins in flight against its limit of failures): auth's worst case for
 * memory, an argon2 verification (19 MiB each, as many at once as libuv has threads) per
 * request.
 */
async function loginBurst(gatewayUrl: string, loadTestKey: string): Promise<string> {
  const headers = { 'content-type': 'application/json', [LOAD_TEST_HEADER]: loadTestKey };
  const post = (path: string, body: unknown) =>
    fetch(`${gatewayUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const accounts = await Promise.all(
    Array.from({ length: 16 }, async () => {
      const account = {
        email: `bench-pods-${randomUUID().slice(0, 8)}@example.com`,
        password: `Bench-${randomUUID()}`,
      };
      const signup = await post('/api/auth/signup', { ...account, displayName: 'Pod bench' });
      if (signup.status !== 202) throw new Error(`signup answered ${signup.status}`);
      return account;
    }),
  );
  const statuses = new Map<number, number>();
  const until = Date.now() + loginBurstSeconds * 1000;
  await Promise.all(
    accounts.map(async (account) => {
      while (Date.now() < until) {
        const status = (await post('/api/auth/login', account)).status;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  const byStatus = [...statuses].map(([status, n]) => `${status}×${n}`).join(' ');
  return `login burst: ${total} sign-ins by 16 readers in ${loginBurstSeconds} s: ${byStatus}`;
}

/** What the load generator (and so the apps) did. */
function loadSummary(figures: LoadFigures): string {
  const statuses: Record<string, number> = {};
  for (const e of Object.values(figures.endpoints))
    for (const [status, n] of Object.entries(e.statuses))
      statuses[status] = (statuses[status] ?? 0) + n;
  return `load generator: ${figures.requests} requests at ${figures.rps.toFixed(0)} req/s, ${figures.errors} errors; statuses ${Object.entries(
    statuses,
  )
    .map(([s, n]) => `${s}×${n}`)
    .join(' ')}`;
}

interface ContainerStats {
  name: string;
  memory?: { workingSetBytes?: number; rssBytes?: number };
}
interface PodStats {
  podRef: { name: string; namespace: string };
  containers?: ContainerStats[];
}

/** One reading per pod of an app: its app container's working set and RSS in MB. */
type Reading = Map<string, { pod: string; workingSetMb: number; rssMb: number }[]>;

const mb = (bytes: number | undefined) => (bytes ?? Number.NaN) / 1024 / 1024;

async function node(): Promise<string> {
  const nodes = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])) as {
    items: { metadata: { name: string } }[];
  };
  if (nodes.items.length !== 1) throw new Error(`expected one node, found ${nodes.items.length}`);
  return nodes.items[0].metadata.name;
}

async function read(nodeName: string): Promise<Reading> {
  const summary = JSON.parse(
    await kubectl(['get', '--raw', `/api/v1/nodes/${nodeName}/proxy/stats/summary`]),
  ) as { pods: PodStats[] };
  const reading: Reading = new Map(APPS.map((app) => [app, []]));
  for (const pod of summary.pods) {
    if (pod.podRef.namespace !== NAMESPACE) continue;
    for (const container of pod.containers ?? []) {
      const app = APPS.find((a) => container.name === a && pod.podRef.name.startsWith(`${a}-`));
      reading.get(app ?? '')?.push({
        pod: pod.podRef.name,
        workingSetMb: mb(container.memory?.workingSetBytes),
        rssMb: mb(container.memory?.rssBytes),
      });
    }
  }
  return reading;
}

interface Limits {
  requestMb: number;
  limitMb: number;
  restarts: number;
}

function quantityMb(q: string | undefined): number {
  const m = /^(\d+)(Mi|Gi)?$/.exec(q ?? '');
  if (!m) return Number.NaN;
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : m[2] === 'Mi' ? 1 : 1 / 1024 / 1024);
}

async function limits(): Promise<Map<string, Limits>> {
  const deployments = JSON.parse(
    await kubectl(['get', 'deployments', '-n', NAMESPACE, '-o', 'json']),
  ) as {
    items: {
      metadata: { name: string };
      spec: {
        template: {
          spec: {
            containers: {
              name: string;
              resources?: { requests?: { memory?: string }; limits?: { memory?: string } };
            }[];
          };
        };
      };
    }[];
  };
  const pods = JSON.parse(await kubectl(['get', 'pods', '-n', NAMESPACE, '-o', 'json'])) as {
    items: {
      metadata: { name: string };
      status: { containerStatuses?: { restartCount: number }[] };
    }[];
  };
  const result = new Map<string, Limits>();
  for (const d of deployments.items) {
    const app = d.metadata.name;
    const container = d.spec.template.spec.containers.find((c) => c.name === app);
    if (!APPS.includes(app) || !container) continue;
    const restarts = pods.items
      .filter((p) => p.metadata.name.startsWith(`${app}-`))
      .reduce(
        (sum, p) =>
          sum + (p.status.containerStatuses ?? []).reduce((s, c) => s + c.restartCount, 0),
        0,
      );
    result.set(app, {
      requestMb: quantityMb(container.resources?.requests?.memory),
      limitMb: quantityMb(container.resources?.limits?.memory),
      restarts,
    });
  }
  return result;
}

/** The larger of two figures, either of which may be missing (NaN). */
const larger = (a: number, b: number) =>
  Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b);

/** The largest pod's figure of an app, NaN when it has none. */
const largest = (reading: Reading, app: string, key: 'workingSetMb' | 'rssMb') =>
  (reading.get(app) ?? []).map((p) => p[key]).reduce(larger, Number.NaN);

export interface PodMemoryFigures {
  date: string;
  loadAverage: number;
  apps: Record<
    string,
    {
      pods: number;
      idleRssMb: number;
      idleWorkingSetMb: number;
      peakWorkingSetMb: number;
      afterRssMb: number;
      afterWorkingSetMb: number;
      requestMb: number;
      limitMb: number;
      restarts: number;
    }
  >;
}

export async function runPodMemoryBench(): Promise<PodMemoryFigures> {
  const env = readClusterEnv();
  const gatewayUrl = env.GATEWAY_URL;
  if (!gatewayUrl)
    throw new Error('no GATEWAY_URL in .devcluster/cluster.env: run npm run cluster:deploy first');
  const startLoad = loadavg()[0];
  const nodeName = await node();
  const loadTestKey = Buffer.from(
    await kubectl([
      'get',
      'secret',
      'load-test-secrets',
      '-n',
      NAMESPACE,
      '-o',
      'jsonpath={.data.load-test-key}',
    ]),
    'base64',
  ).toString();
  const before = await limits();
  console.log(
    `pod memory on node ${nodeName}, namespace ${NAMESPACE}, gateway ${gatewayUrl}; load average ${startLoad.toFixed(2)}`,
  );
  await new Promise((resolve) => setTimeout(resolve, idleSettleMs));
  const idle = await read(nodeName);

  const peak = new Map<string, number>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const reading = await read(nodeName);
      for (const app of APPS)
        peak.set(app, larger(peak.get(app) ?? Number.NaN, largest(reading, app, 'workingSetMb')));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  try {
    const [load] = await Promise.all([
      runLoadGenerator(gatewayUrl, loadTestKey),
      readNewsAndBlog(gatewayUrl, loadTestKey),
    ]);
    console.log(loadSummary(load));
    console.log(await loginBurst(gatewayUrl, loadTestKey));
  } finally {
    sampling = false;
    await sampler;
  }
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const after = await read(nodeName);
  const now = await limits();

  const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '-');
  const figures: PodMemoryFigures = {
    date: new Date().toISOString(),
    loadAverage: startLoad,
    apps: {},
  };
  for (const app of APPS) {
    const l = now.get(app);
    figures.apps[app] = {
      pods: Math.max(idle.get(app)?.length ?? 0, after.get(app)?.length ?? 0),
      idleRssMb: largest(idle, app, 'rssMb'),
      idleWorkingSetMb: largest(idle, app, 'workingSetMb'),
      peakWorkingSetMb: peak.get(app) ?? Number.NaN,
      afterRssMb: largest(after, app, 'rssMb'),
      afterWorkingSetMb: largest(after, app, 'workingSetMb'),
      requestMb: l?.requestMb ?? Number.NaN,
      limitMb: l?.limitMb ?? Number.NaN,
      restarts: (l?.restarts ?? 0) - (before.get(app)?.restarts ?? 0),
    };
  }
  const rows = [
    [
      'app',
      'pods',
      'idle RSS',
      'idle WS',
      'peak WS',
      'after RSS',
      'after WS',
      'request',
      'limit',
      'peak / limit',
      'restarts',
    ],
    ...Object.entries(figures.apps).map(([app, f]) => [
      app,
      String(f.pods),
      fmt(f.idleRssMb),
      fmt(f.idleWorkingSetMb),
      fmt(f.peakWorkingSetMb),
      fmt(f.afterRssMb),
      fmt(f.afterWorkingSetMb),
      fmt(f.requestMb),
      fmt(f.limitMb),
      `${fmt((f.peakWorkingSetMb / f.limitMb) * 100)} %`,
      String(f.restarts),
    ]),
  ];
  console.log(`\nMB per pod (the largest pod of each app; WS = working set)\n${formatTable(rows)}`);
  console.log(`load average now ${loadavg()[0].toFixed(2)}`);
  if (process.env.BENCH_OUT)
    writeFileSync(process.env.BENCH_OUT, `${JSON.stringify(figures, null, 2)}\n`);
  return figures;
}

if (require.main === module) {
  runPodMemoryBench().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
