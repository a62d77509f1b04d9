import { join } from 'node:path';
import { appSpecs, root, startPlatformCopy, stopApps } from '@tools/start';
import type { RunningApp } from '@tools/start';
import { formatTable } from '@tools/devstack';
import {
  OTHERS,
  runNativeDemo,
  shares,
  stepTable,
  type NativeDemoResult,
} from '../src/native-demo';

/**
 * The native scaling demo on the real dev stack, shortened: its own copy of gateway, auth and
 * webtoon (ports shifted by 40 so a running `npm start` and the end-to-end tests keep theirs),
 * 20 req/s through the gateway, 3 s steps. The instances added are real processes registered
 * in the real Consul; the gateway finds them by its blocking query. Its cost is the apps'
 * build and start (under a minute on an idle machine, several on a busy one), not the steps.
 */
const env = (name: string, fallback: number) =>
  Number(process.env[`${name.toUpperCase()}_PORT`] ?? fallback);
const specs = appSpecs((name, fallback) => {
  const admin = name.endsWith('_admin');
  const app = admin ? name.slice(0, -'_admin'.length) : name;
  const base = env(app, admin ? fallback - 1000 : fallback);
  return (admin ? base + 1000 : base) + 40;
}).filter((s) => ['auth', 'webtoon', 'gateway'].includes(s.name));
const spec = (name: string) => specs.find((s) => s.name === name)!;
const logDir = join(root, '.devstack', 'logs', 'native-scale-test');

describe('the native scaling demo on the dev stack', () => {
  let apps: RunningApp[] = [];
  let result: NativeDemoResult;

  beforeAll(async () => {
    const stackEnv = Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
    );
    apps = await startPlatformCopy({ specs, logDir, env: stackEnv });
    const webtoon = spec('webtoon');
    const t0 = Date.now();
    result = await runNativeDemo({
      gatewayUrl: `http://127.0.0.1:${spec('gateway').port}`,
      consulUrl: process.env.CONSUL_URL!,
      env: stackEnv,
      webtoon,
      extraPorts: [
        { port: webtoon.port + 10, adminPort: webtoon.adminPort + 10 },
        { port: webtoon.port + 20, adminPort: webtoon.adminPort + 20 },
      ],
      rate: 20,
      stepS: 3,
      logDir,
    });
    process.stderr.write(
      `${formatTable(stepTable(result.steps))}\nnative demo ran ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
  }, 480_000);

  afterAll(async () => {
    await stopApps(apps);
  });

  it('routes to instances 2 and 3 within a second of Consul listing them', () => {
    const [, two, three] = result.steps;
    expect(two.instances).toBe(2);
    expect(three.instances).toBe(3);
    expect(two.firstRequestMs).toBeLessThan(1_000);
    expect(three.firstRequestMs).toBeLessThan(1_000);
  });

  it('spreads the load over every instance in each step', () => {
    const counts = result.steps.map((s) => s.instances);
    expect(counts).toEqual([1, 2, 3, 2, 1]);
    for (const step of result.steps) {
      const share = Object.values(shares(step.served));
      expect(share).toHaveLength(step.instances);
      // Round-robin: each instance near 1/n of the requests (a 3 s step at 20 req/s is ~60).
      for (const s of share) expect(s).toBeGreaterThan(0.5 / step.instances);
    }
  });

  it('serves the load in every step, removals included', () => {
    for (const step of result.steps) {
      expect(step.load.servedRps).toBeGreaterThan(result.rate * 0.8);
    }
    // Removals are graceful (deregister, drain, exit): the few failures two shared cores allow
    // come from a new Node process starving the others while it starts, not from routing.
    expect(result.figures.errorRatio).toBeLessThan(0.05);
  });

  it('leaves every other service at its instance count', () => {
    const first = result.steps[0].others;
    expect(Object.keys(first).sort()).toEqual([...OTHERS].sort());
    expect(first.gateway).toBeGreaterThanOrEqual(1);
    expect(first.auth).toBeGreaterThanOrEqual(1);
    for (const step of result.steps) expect(step.others).toEqual(first);
  });
});
