import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  containerdName,
  ensureCluster,
  kubectl,
  loadImages,
  missingPrerequisites,
  type ClusterEnv,
} from '@tools/devcluster';
import {
  APPS,
  appImage,
  buildInfraImages,
  ensureBaseImage,
  imageId,
  INFRA_NAMES,
  localInfraImage,
  Progress,
  REPO_ROOT,
} from '@tools/images';

// Two builds through the pipeline's own scripts on the dev cluster: A deploys all six apps
// and passes the smoke test; B changes only webtoon, to an image that never gets ready. The
// wait step must fail, and the rollback must put webtoon back on A and leave the five others
// untouched, the platform serving again.
const MINUTE = 60_000;
const NS = 'platform-demo';
const run = randomUUID().slice(0, 6);
const TAG_A = `ci-a-${run}`;
const TAG_B = `ci-b-${run}`;
const TAG_C = `ci-c-${run}`;

function blocked(): string | undefined {
  const missing = missingPrerequisites(process.getuid?.() === 0);
  if (missing) return missing;
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0)
    return 'the pipeline test cannot run here: no Docker engine answers `docker info`';
  return undefined;
}

interface Step {
  code: number;
  output: string;
}

/** `npm run ci:<step> -- args` as Jenkins runs it, with its output kept for the assertions. */
function ci(env: NodeJS.ProcessEnv, step: string, args: string[]): Promise<Step> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', `ci:${step}`, '--', ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (d: Buffer) => {
      output += d.toString();
      process.stderr.write(d);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function deploymentsNow(): Promise<Record<string, { image: string; revision: string }>> {
  const list = JSON.parse(await kubectl(['-n', NS, 'get', 'deployments', '-o', 'json'])) as {
    items: {
      metadata: { name: string; annotations: Record<string, string> };
      spec: { template: { spec: { containers: { image: string }[] } } };
    }[];
  };
  return Object.fromEntries(
    list.items.map((d) => [
      d.metadata.name,
      {
        image: d.spec.template.spec.containers[0].image,
        revision: d.metadata.annotations['deployment.kubernetes.io/revision'],
      },
    ]),
  );
}

const reason = blocked();
const mustRun = process.env.CI === 'true';
if (reason && !mustRun) process.stderr.write(`skipping the pipeline test: ${reason}\n`);

(reason && !mustRun ? describe.skip : describe)('pipeline steps on the dev cluster', () => {
  let cluster: ClusterEnv;
  let env: NodeJS.ProcessEnv;
  let stateDir: string;
  const imageA = (app: string) => appImage(app as (typeof APPS)[number], TAG_A);

  beforeAll(async () => {
    if (reason) throw new Error(reason);
    cluster = await ensureCluster({ quiet: true });
    stateDir = mkdtempSync(join(tmpdir(), 'ci-state-'));
    env = {
      ...process.env,
      KUBECTL: cluster.KUBECTL,
      KUBECONFIG: cluster.KUBECONFIG,
      CI_STATE_DIR: stateDir,
      BUILD_TAG: `pipeline-test-${run}`,
      SMOKE_EMAIL: `ci-smoke-${run}@example.com`,
      SMOKE_PASSWORD: `Smoke-${randomUUID()}`,
    };
    // Build A: the apps as last built here (ci:build makes them when missing), under a tag of
    // this run, so that deploying A rolls every Deployment.
    const missing = APPS.filter(
      (app) => !spawnSync('docker', ['image', 'inspect', appImage(app, 'dev')]).stdout.length,
    );
    if (missing.length > 0) {
      const built = await ci(env, 'build', ['--tag', 'dev', '--apps', missing.join(',')]);
      expect(built.code).toBe(0);
    }
    for (const app of APPS) spawnSync('docker', ['tag', appImage(app, 'dev'), imageA(app)]);
    // Build B: webtoon that starts and never answers, so it never becomes ready.
    const broken = spawnSync('docker', ['build', '-t', appImage('webtoon', TAG_B), '-'], {
      input: `FROM ${imageA('webtoon')}\nCMD ["node", "-e", "setInterval(() => {}, 60000)"]\n`,
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
    });
    expect(broken.status).toBe(0);
    // The infrastructure the local overlay runs, imported once into the cluster.
    const progress = new Progress(true);
    const absent: (typeof INFRA_NAMES)[number][] = [];
    for (const name of INFRA_NAMES) if (!(await imageId(localInfraImage(name)))) absent.push(name);
    if (absent.length > 0)
      await buildInfraImages(absent, await ensureBaseImage(progress), progress);
    const listed = spawnSync(
      'ctr',
      ['--address', cluster.CONTAINERD_ADDRESS, '-n', 'k8s.io', 'images', 'ls', '-q'],
      {
        encoding: 'utf8',
      },
    ).stdout;
    const toLoad = INFRA_NAMES.map(localInfraImage).filter(
      (ref) => !listed.includes(containerdName(ref)),
    );
    await loadImages(toLoad);
  }, 15 * MINUTE);

  afterAll(() => {
    for (const app of APPS) spawnSync('docker', ['rmi', imageA(app)]);
    spawnSync('docker', ['rmi', appImage('webtoon', TAG_B)]);
    spawnSync('docker', ['rmi', appImage('webtoon', TAG_C)]);
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it(
    'build A: push, deploy, wait, smoke and record put all six apps on A',
    async () => {
      expect((await ci(env, 'push', ['--devcluster', '--tag', TAG_A])).code).toBe(0);
      expect((await ci(env, 'deploy', ['--overlay', 'local', '--tag', TAG_A])).code).toBe(0);
      const waited = await ci(env, 'wait', ['--overlay', 'local', '--timeout', '420']);
      expect(waited.code).toBe(0);
      const now = await deploymentsNow();
      expect(Object.fromEntries(APPS.map((a) => [a, now[a].image]))).toEqual(
        Object.fromEntries(APPS.map((a) => [a, imageA(a)])),
      );
      const gateway = `http://${cluster.DEVCLUSTER_NODE_IP}:30080`;
      const smoke = await ci(env, 'smoke', ['--url', gateway, '--within', '120']);
      expect(smoke.code).toBe(0);
      expect(smoke.output).toContain('account created');
      expect((await ci(env, 'record', ['--overlay', 'local'])).code).toBe(0);
      const affected = await ci(env, 'affected', ['--overlay', 'local']);
      expect(affected.output).toMatch(/last deploy recorded in platform-demo: [0-9a-f]{40}/);
    },
    10 * MINUTE,
  );

  it(
    'build B: a webtoon that never gets ready fails the wait; rollback brings it back to A',
    async () => {
      const before = await deploymentsNow();
      expect(
        (await ci(env, 'push', ['--devcluster', '--tag', TAG_B, '--apps', 'webtoon'])).code,
      ).toBe(0);
      const deployed = await ci(env, 'deploy', [
        '--overlay',
        'local',
        '--tag',
        TAG_B,
        '--apps',
        'webtoon',
      ]);
      expect(deployed.code).toBe(0);
      expect(deployed.output).toContain(`gateway  ${imageA('gateway')} (kept)`);
      const during = await deploymentsNow();
      expect(during.webtoon.image).toBe(appImage('webtoon', TAG_B));
      for (const app of APPS.filter((a) => a !== 'webtoon'))
        expect(during[app]).toEqual(before[app]);

      const waited = await ci(env, 'wait', ['--overlay', 'local', '--timeout', '40']);
      expect(waited.code).not.toBe(0);
      expect(waited.output).toMatch(/not rolled out after 40 s:\n\s+Deployment\/webtoon/);

      const rolled = await ci(env, 'rollback', ['--overlay', 'local', '--timeout', '180']);
      expect(rolled.code).toBe(0);
      expect(rolled.output).toContain('rolled back: webtoon');
      const after = await deploymentsNow();
      expect(Object.fromEntries(APPS.map((a) => [a, after[a].image]))).toEqual(
        Object.fromEntries(APPS.map((a) => [a, imageA(a)])),
      );
      for (const app of APPS.filter((a) => a !== 'webtoon'))
        expect(after[app].revision).toBe(before[app].revision);
      // The broken pod is gone once it has terminated (polled: deletion takes its grace period).
      const deadline = Date.now() + MINUTE;
      let images: string[] = [];
      do {
        images = (
          await kubectl([
            '-n',
            NS,
            'get',
            'pods',
            '-l',
            'app.kubernetes.io/name=webtoon',
            '-o',
            'jsonpath={.items[*].spec.containers[0].image}',
          ])
        )
          .split(/\s+/)
          .filter(Boolean);
        if (images.every((i) => i === imageA('webtoon'))) break;
        await new Promise((r) => setTimeout(r, 1000));
      } while (Date.now() < deadline);
      expect([...new Set(images)]).toEqual([imageA('webtoon')]);

      const smoke = await ci(env, 'smoke', [
        '--url',
        `http://${cluster.DEVCLUSTER_NODE_IP}:30080`,
        '--within',
        '60',
      ]);
      expect(smoke.code).toBe(0);
      expect(smoke.output).not.toContain('account created');
      // A rolled-back deploy is not recorded: the environment's base stays build A.
      expect((await ci(env, 'record', ['--overlay', 'local'])).code).not.toBe(0);
    },
    6 * MINUTE,
  );

  it(
    'build C: webtoon rolls out, the smoke test fails, and rollback returns it to A',
    async () => {
      const before = await deploymentsNow();
      spawnSync('docker', ['tag', imageA('webtoon'), appImage('webtoon', TAG_C)]);
      expect(
        (await ci(env, 'push', ['--devcluster', '--tag', TAG_C, '--apps', 'webtoon'])).code,
      ).toBe(0);
      expect(
        (await ci(env, 'deploy', ['--overlay', 'local', '--tag', TAG_C, '--apps', 'webtoon'])).code,
      ).toBe(0);
      expect((await ci(env, 'wait', ['--overlay', 'local', '--timeout', '180'])).code).toBe(0);
      expect((await deploymentsNow()).webtoon.image).toBe(appImage('webtoon', TAG_C));

      // Forced: the smoke account's password is wrong, so the login (and a signup) fail.
      const smoke = await ci({ ...env, SMOKE_PASSWORD: `Wrong-${randomUUID()}` }, 'smoke', [
        '--url',
        `http://${cluster.DEVCLUSTER_NODE_IP}:30080`,
        '--within',
        '5',
      ]);
      expect(smoke.code).not.toBe(0);
      expect(smoke.output).toMatch(
        /✗ the smoke account logs in: login 401 and POST \/api\/auth\/signup answered 409/,
      );

      const rolled = await ci(env, 'rollback', ['--overlay', 'local', '--timeout', '180']);
      expect(rolled.code).toBe(0);
      const after = await deploymentsNow();
      expect(Object.fromEntries(APPS.map((a) => [a, after[a].image]))).toEqual(
        Object.fromEntries(APPS.map((a) => [a, imageA(a)])),
      );
      for (const app of APPS.filter((a) => a !== 'webtoon'))
        expect(after[app].revision).toBe(before[app].revision);
    },
    5 * MINUTE,
  );
});
