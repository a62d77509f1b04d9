import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Jenkins cannot run here: the Jenkinsfile is parsed with Groovy (Debian's package), and every
// `sh` step must call an npm script that exists, so the pipeline's logic stays in tools/ci.
const root = join(__dirname, '..', '..', '..');
const scripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/** groovy's launcher wants JAVA_HOME; derive it from the `java` on the PATH when unset. */
function groovyEnv(): NodeJS.ProcessEnv | undefined {
  if (spawnSync('groovy', ['--version'], { stdio: 'ignore' }).error) return undefined;
  if (process.env.JAVA_HOME) return process.env;
  const java = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).stdout.trim();
  return java ? { ...process.env, JAVA_HOME: dirname(dirname(realpathSync(java))) } : undefined;
}

const env = groovyEnv();
const missing = env
  ? undefined
  : 'the Jenkinsfile check cannot run here: no `groovy` (and Java) on the PATH';
if (missing && process.env.CI !== 'true') process.stderr.write(`skipping: ${missing}\n`);

(missing && process.env.CI !== 'true' ? describe.skip : describe)('Jenkinsfile', () => {
  let steps: string[];

  beforeAll(() => {
    if (missing) throw new Error(missing);
    const out = execFileSync(
      'groovy',
      [join(__dirname, 'jenkinsfile-steps.groovy'), join(root, 'Jenkinsfile')],
      {
        env,
        encoding: 'utf8',
      },
    );
    steps = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string);
  }, 60_000);

  it('parses, and every sh step is npm ci, npm test or an npm script that exists', () => {
    expect(steps.length).toBeGreaterThan(10);
    const bad = steps.filter((s) => {
      if (s === 'npm ci --no-audit --no-fund' || s === 'npm test') return false;
      const m = /^npm run ([\w:-]+)(?: -- .*)?$/.exec(s);
      return !m || !(m[1] in scripts);
    });
    expect(bad).toEqual([]);
  });

  it('runs the stages in order: test, images, staging, its gates, production, rollback on failure', () => {
    const ci = steps.flatMap((s) => {
      const m = /^npm run (ci:[\w-]+)(?: -- --overlay (\w+))?/.exec(s);
      return m ? [[m[1], m[2]].filter(Boolean).join(' ')] : [];
    });
    expect(ci).toEqual([
      'ci:affected prod',
      'ci:build',
      'ci:push',
      'ci:deploy dev',
      'ci:wait dev',
      'ci:smoke',
      'ci:load-gate',
      'ci:record dev',
      'ci:deploy prod',
      'ci:wait prod',
      'ci:smoke',
      'ci:record prod',
      'ci:rollback prod',
      'ci:rollback dev',
    ]);
    expect(steps.indexOf('npm test')).toBeLessThan(steps.findIndex((s) => s.includes('ci:build')));
  });
});
