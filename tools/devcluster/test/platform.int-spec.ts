import { platformRoundTrip, until } from '@tools/images';
import { kubectl, type ClusterEnv } from '../src';
import { PLATFORM_NAMESPACE as NS } from '../src/config';
import { deployPlatform } from '../src/deploy';
import { clusterTestsBlocked } from './prerequisites';

/**
 * The whole platform on the real single-node cluster, by one apply of the local overlay:
 * every workload ready, a user's round trip through the gateway's Service, each app registered
 * in the in-cluster Consul with its pod's IP, Prometheus scraping every app pod.
 */
const MINUTE = 60_000;
const APPS = ['gateway', 'auth', 'webtoon', 'payment', 'news', 'blog'];

const reason = clusterTestsBlocked();
const mustRun = process.env.CI === 'true';
if (reason && !mustRun) process.stderr.write(`skipping the platform-on-cluster test: ${reason}\n`);

/** Runs a one-off fetch inside the gateway's pod (the cluster network, its DNS). */
async function fetchInCluster(url: string): Promise<unknown> {
  const script = `fetch(${JSON.stringify(url)}).then(r=>r.text()).then(t=>process.stdout.write(t))`;
  const out = await kubectl(['-n', NS, 'exec', 'deploy/gateway', '--', 'node', '-e', script]);
  return JSON.parse(out) as unknown;
}

/**
 * The IPs of the app's running pods, leaving out pods being deleted: after a rollout they keep
 * the Running phase while they shut down, having already left Consul.
 */
async function podIps(app: string): Promise<string[]> {
  const list = JSON.parse(
    await kubectl([
      '-n',
      NS,
      'get',
      'pods',
      '-l',
      `app.kubernetes.io/name=${app}`,
      '--field-selector=status.phase=Running',
      '-o',
      'json',
    ]),
  ) as { items: { metadata: { deletionTimestamp?: string }; status: { podIP?: string } }[] };
  return list.items
    .filter((pod) => !pod.metadata.deletionTimestamp && pod.status.podIP)
    .map((pod) => pod.status.podIP as string)
    .sort();
}

(reason && !mustRun ? describe.skip : describe)('the platform on the dev cluster', () => {
  let env: ClusterEnv;

  beforeAll(async () => {
    if (reason) throw new Error(reason);
    const t0 = Date.now();
    env = await deployPlatform({ quiet: true });
    process.stderr.write(`platform deployed in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  }, 40 * MINUTE);

  it('has every Deployment and StatefulSet ready', async () => {
    for (const kind of ['deployment', 'statefulset']) {
      const list = JSON.parse(await kubectl(['-n', NS, 'get', kind, '-o', 'json'])) as {
        items: {
          metadata: { name: string };
          spec: { replicas: number };
          status: { readyReplicas?: number };
        }[];
      };
      expect(list.items.length).toBeGreaterThan(0);
      for (const item of list.items) {
        expect({ name: item.metadata.name, ready: item.status.readyReplicas ?? 0 }).toEqual({
          name: item.metadata.name,
          ready: item.spec.replicas,
        });
      }
    }
  });

  it(
    'serves a signup → top-up → purchase → read round trip through the gateway Service',
    async () => {
      const trip = await platformRoundTrip(env.GATEWAY_URL);
      expect(trip.purchase.status).toBe('completed');
      expect(trip.episodeStatus).toBe(200);
      expect(trip.balanceAfterPurchase).toBe(trip.balanceAfterTopUp - trip.purchase.priceCoins);
    },
    2 * MINUTE,
  );

  it(
    'registers each app in the in-cluster Consul with its pods IPs',
    async () => {
      for (const app of APPS) {
        // Both sides read each time: a rollout that just finished may still be replacing pods.
        // The check is that they come to agree, every running pod passing with its own IP.
        let seen = { consul: [] as string[], pods: [] as string[] };
        await until(
          `${app}'s pods passing in Consul`,
          async () => {
            const entries = (await fetchInCluster(
              `http://consul:8500/v1/health/service/${app}?passing=true`,
            )) as { Service: { Address: string } }[];
            seen = {
              consul: entries.map((e) => e.Service.Address).sort(),
              pods: await podIps(app),
            };
            return seen.pods.length > 0 && seen.consul.join() === seen.pods.join()
              ? true
              : undefined;
          },
          MINUTE,
        ).catch((error: unknown) => {
          throw new Error(
            `${(error as Error).message}; last seen: Consul [${seen.consul.join(', ')}], pods [${seen.pods.join(', ')}]`,
          );
        });
      }
    },
    5 * MINUTE,
  );

  it(
    'has Prometheus scraping every app pod',
    async () => {
      const expected = (await Promise.all(APPS.map(podIps))).flat().sort();
      const scraped = await until(
        'every app pod up in Prometheus',
        async () => {
          const res = (await fetchInCluster(
            'http://prometheus:9090/api/v1/query?query=up%3D%3D1',
          )) as { data: { result: { metric: { instance: string } }[] } };
          const ips = res.data.result.map((r) => r.metric.instance.split(':')[0]).sort();
          return expected.every((ip) => ips.includes(ip)) ? ips : undefined;
        },
        2 * MINUTE,
      );
      for (const ip of expected) expect(scraped).toContain(ip);
    },
    3 * MINUTE,
  );
});
