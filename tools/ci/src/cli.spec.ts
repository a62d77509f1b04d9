import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPS } from '@tools/images';

const root = join(__dirname, '..', '..', '..');
const stateDir = mkdtempSync(join(tmpdir(), 'ci-cli-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const cli = (args: string[]) =>
  spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      '--tsconfig',
      'tsconfig.base.json',
      'tools/ci/src/cli.ts',
      ...args,
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, CI_STATE_DIR: stateDir } },
  );

describe('the ci command line', () => {
  it('prints the manifests a deploy would apply, every app at the tag', () => {
    const r = cli(['deploy', '--overlay', 'prod', '--tag', 'abc123def456', '--dry-run']);
    expect(r.status).toBe(0);
    const images = [...r.stdout.matchAll(/image: (\S+)/g)].map((m) => m[1]).sort();
    expect(images).toEqual(
      APPS.map((a) => `registry.example.com/platform/${a}:abc123def456`).sort(),
    );
    expect(r.stdout).toContain('kind: HorizontalPodAutoscaler');
  });

  it('exits 2 with the usage on a wrong command line', () => {
    const r = cli(['deploy', '--overlay', 'prod', '--tag', 'latest']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('ci: --tag latest: deploys use immutable tags only');
    expect(r.stderr).toContain('usage: npm run ci:<step>');
  });

  it('compares with the given deployed commit, and takes every app for one it does not know', () => {
    const head = spawnSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).stdout.trim();
    expect(cli(['affected', '--overlay', 'prod', '--base', head]).stdout).toContain(
      'apps: none; deploy: no',
    );
    expect(JSON.parse(readFileSync(join(stateDir, 'affected.json'), 'utf8'))).toMatchObject({
      base: head,
      apps: [],
    });
    const unknown = cli(['affected', '--overlay', 'prod', '--base', '0'.repeat(40)]);
    expect(unknown.stdout).toContain("is not in this clone's history");
    expect(JSON.parse(readFileSync(join(stateDir, 'affected.json'), 'utf8'))).toMatchObject({
      base: null,
      apps: [...APPS],
    });
  });
});
