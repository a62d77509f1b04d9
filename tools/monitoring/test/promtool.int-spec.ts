import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { RULES_DIR, root, ruleTestFiles } from '../src/monitoring-files';

// promtool, as the dev stack builds it, on every rule file, every rule test and every
// Prometheus configuration the repo ships (compose, the dev stack's generated one, Kubernetes).
const promtool = process.env.PROMTOOL!;
const ruleFiles = ['platform', 'slo', 'events', 'saga'].map((n) =>
  join(RULES_DIR, `${n}.rules.yml`),
);

function run(args: string[], cwd = root): string {
  const result = spawnSync(promtool, args, { cwd, encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0)
    throw new Error(`promtool ${args.join(' ')} exited ${result.status}:\n${output}`);
  return output;
}

/** A copy of a config whose rule_files glob points at `rulesDir` instead of the container path. */
function withRulesAt(config: string, rulesDir: string, into: string): string {
  const path = join(into, 'prometheus.yml');
  writeFileSync(path, config.replace('/etc/prometheus/rules/', `${rulesDir}/`));
  return path;
}

describe('promtool', () => {
  let work: string;
  beforeAll(() => {
    if (!existsSync(promtool)) throw new Error(`promtool not found at ${promtool} (PROMTOOL)`);
    work = mkdtempSync(join(tmpdir(), 'promtool-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(ruleFiles.map((f) => [relative(root, f), f]))('check rules %s', (_name, file) => {
    expect(run(['check', 'rules', file])).toMatch(/SUCCESS: \d+ rules found/);
  });

  it.each(ruleTestFiles().map((f) => [relative(root, f), f]))('test rules %s', (_name, file) => {
    expect(run(['test', 'rules', basename(file)], dirname(file))).toContain('SUCCESS');
  });

  it('check config prometheus.yml (compose) with its rules', () => {
    const dir = join(work, 'compose');
    mkdirSync(dir);
    const config = withRulesAt(readFileSync(join(root, 'prometheus.yml'), 'utf8'), RULES_DIR, dir);
    const output = run(['check', 'config', config]);
    expect(output).toContain('SUCCESS');
    for (const file of ruleFiles) expect(output).toContain(`${basename(file)}`);
  });

  it("check config the dev stack's generated prometheus.yml with its rules", () => {
    const output = run(['check', 'config', process.env.PROMETHEUS_CONFIG!]);
    expect(output).toContain('SUCCESS');
    for (const file of ruleFiles) expect(output).toContain(`${basename(file)}`);
  });

  it('check config the Kubernetes Prometheus as kustomize renders it, with its rules ConfigMap', () => {
    const rendered = spawnSync('kubectl', ['kustomize', join(root, 'k8s', 'overlays', 'dev')], {
      encoding: 'utf8',
    });
    if (rendered.error) throw new Error(`kubectl is needed to render k8s/: ${rendered.error}`);
    expect(rendered.stderr).toBe('');
    const configMaps = parseAllDocuments(rendered.stdout)
      .map(
        (d) =>
          d.toJSON() as { kind: string; metadata: { name: string }; data: Record<string, string> },
      )
      .filter((o) => o.kind === 'ConfigMap');
    const data = (prefix: string) =>
      configMaps.find((c) => c.metadata.name.startsWith(prefix))!.data;

    const dir = join(work, 'k8s');
    mkdirSync(join(dir, 'rules'), { recursive: true });
    for (const [name, text] of Object.entries(data('prometheus-rules-')))
      writeFileSync(join(dir, 'rules', name), text);
    const config = withRulesAt(
      data('prometheus-config-')['prometheus.yml'],
      join(dir, 'rules'),
      dir,
    );
    const output = run(['check', 'config', config]);
    expect(output).toContain('SUCCESS');
    for (const file of ruleFiles) expect(output).toContain(`${basename(file)}`);
  });
});
