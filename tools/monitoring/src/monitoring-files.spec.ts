import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig, prometheusYaml } from '@tools/devstack';
import {
  DASHBOARDS_DIR,
  RULES_DIR,
  generatedFiles,
  loadDashboards,
  loadRules,
  metricNames,
  root,
  ruleTestFiles,
  substitute,
} from './monitoring-files';

const rules = loadRules();
const alerts = rules.filter((r) => r.alert);
const dashboards = loadDashboards();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** What Prometheus can have: prom-client's defaults, what the code registers, what rules record. */
async function knownMetrics(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const known = new Set(['up']);
  for (const metric of await registry.getMetricsAsJSON()) known.add(metric.name);
  for (const file of [...sourceFiles(join(root, 'apps')), ...sourceFiles(join(root, 'libs'))])
    for (const match of readFileSync(file, 'utf8').matchAll(/name: '([a-z_]+)'/g))
      known.add(match[1]);
  for (const rule of rules) if (rule.record) known.add(rule.record);
  return known;
}

function unknownIn(exprs: string[], known: Set<string>): string[] {
  return [
    ...new Set(
      exprs
        .flatMap(metricNames)
        .filter((name) => !known.has(name) && !known.has(name.replace(/_(bucket|count|sum)$/, ''))),
    ),
  ];
}

describe('Prometheus rules', () => {
  it('are in one file per concern', () => {
    expect([...new Set(rules.map((r) => basename(r.file)))].sort()).toEqual([
      'events.rules.yml',
      'platform.rules.yml',
      'saga.rules.yml',
      'slo.rules.yml',
    ]);
  });

  it('give every alert a severity, a summary, a description and a runbook section', () => {
    const runbook = readFileSync(join(root, 'docs', 'runbook.md'), 'utf8');
    const anchors = new Set(
      [...runbook.matchAll(/^##+ (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/[^\w-]/g, '')),
    );
    expect(alerts.length).toBe(13);
    for (const alert of alerts) {
      expect([alert.alert, alert.labels?.severity]).toEqual([
        alert.alert,
        expect.stringMatching(/^(page|critical|warning|ticket)$/),
      ]);
      expect(alert.annotations?.summary?.length).toBeGreaterThan(10);
      expect(alert.annotations?.description?.length).toBeGreaterThan(40);
      const anchor = alert.annotations?.runbook_url?.replace('docs/runbook.md#', '');
      expect([alert.alert, anchors.has(anchor ?? '')]).toEqual([alert.alert, true]);
    }
  });

  it('have a promtool test that fires every alert, and tests in which alerts must not fire', () => {
    const fired = new Set<string>();
    let silent = 0;
    for (const file of ruleTestFiles()) {
      const doc = parse(readFileSync(file, 'utf8')) as {
        tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
      };
      for (const check of doc.tests.flatMap((t) => t.alert_rule_test ?? [])) {
        if (check.exp_alerts.length > 0) fired.add(check.alertname);
        else silent++;
      }
    }
    expect(alerts.map((a) => a.alert).filter((name) => !fired.has(name!))).toEqual([]);
    expect(silent).toBeGreaterThanOrEqual(3);
  });

  it('read only metrics the apps export, other rules record, or the saga work adds', async () => {
    expect(
      unknownIn(
        rules.map((r) => r.expr),
        await knownMetrics(),
      ),
    ).toEqual([]);
  });

  it('name recording rules level:metric:operations and leave probes out of request rules', () => {
    for (const rule of rules.filter((r) => r.record)) {
      expect(rule.record).toMatch(/^[a-z_]+:[a-z_]+:[a-z0-9_]+$/);
      if (rule.expr.includes('http_request_duration_seconds'))
        expect(rule.expr).toContain('route!~"/health/.+|/metrics"');
    }
  });

  it('are shipped to Kubernetes, file for file', () => {
    const rulesFiles = readdirSync(RULES_DIR).filter((f) => f.endsWith('.rules.yml'));
    expect(generatedFiles(join(root, 'prometheus'))['prometheus-rules'].sort()).toEqual(
      rulesFiles.map((f) => `rules/${f}`).sort(),
    );
  });
});

describe('Grafana dashboards', () => {
  it('are the overview, per-service, events, purchase-saga and scaling dashboards', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual([
      'platform-events',
      'platform-overview',
      'platform-purchase-saga',
      'platform-scaling',
      'platform-service',
    ]);
    expect(dashboards.find((d) => d.uid === 'platform-service')?.variables).toEqual(['service']);
  });

  it('query only metrics the apps export, the rules record, or the saga work adds', async () => {
    const exprs = dashboards.flatMap((d) => d.queries.map((q) => q.expr));
    expect(exprs.flatMap(metricNames).length).toBeGreaterThan(50);
    expect(unknownIn(exprs, await knownMetrics())).toEqual([]);
  });

  it('count no health check or scrape as traffic', () => {
    for (const query of dashboards.flatMap((d) => d.queries)) {
      if (query.expr.includes('http_request_duration_seconds_'))
        // either all routes but the probes, or named API routes only
        expect([query.panel, query.expr]).toEqual([
          query.panel,
          expect.stringMatching(/route!~"\/health\/\.\+\|\/metrics"|route=~?"\.\*\/[a-z]/),
        ]);
    }
  });

  it('use only variables the dashboard defines or Grafana provides', () => {
    for (const dashboard of dashboards) {
      const values = Object.fromEntries(
        [...dashboard.variables, '__rate_interval', '__range', '__interval'].map((v) => [v, '1m']),
      );
      for (const query of dashboard.queries)
        expect(() => substitute(query.expr, values)).not.toThrow();
    }
  });

  it('are shipped to Kubernetes, file for file', () => {
    const files = generatedFiles(join(root, 'grafana'));
    expect(files['grafana-dashboards-platform'].sort()).toEqual(
      readdirSync(join(DASHBOARDS_DIR, 'platform'))
        .map((f) => `dashboards/platform/${f}`)
        .sort(),
    );
    expect(files['grafana-datasources']).toEqual(['provisioning/datasources/prometheus.yml']);
  });
});

describe('files that do not parse', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'monitoring-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fail with the dashboard file name', () => {
    writeFileSync(join(dir, 'broken.json'), '{ "uid": "x", "panels": [ ');
    expect(() => loadDashboards(dir)).toThrow(/broken\.json: .*JSON/);
  });

  it('fail with the rule file name', () => {
    writeFileSync(join(dir, 'broken.rules.yml'), 'groups:\n  - name: a\n    rules: [ {');
    expect(() => loadRules(dir)).toThrow(/broken\.rules\.yml: /);
    writeFileSync(
      join(dir, 'broken.rules.yml'),
      'groups:\n  - name: a\n    rules:\n      - expr: up\n',
    );
    expect(() => loadRules(dir)).toThrow(/broken\.rules\.yml: group a: a rule without/);
  });
});

describe('metricNames', () => {
  it('finds the metrics of an expression, not its functions, labels, keywords or strings', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (job, le) (rate(a_bucket{route!~"/x|y"}[1m]))) ' +
          '/ on (job) group_left b:rec:rate1m unless c offset 10m or count(up == 1) or vector(0) ' +
          '* label_replace(d, "x", "${1}", "y", "(.+)")',
      ).sort(),
    ).toEqual(['a_bucket', 'b:rec:rate1m', 'c', 'd', 'up']);
  });
});

describe('substitute', () => {
  it("replaces Grafana's variable forms and refuses unknown ones", () => {
    expect(
      substitute('rate(x{job="$service"}[$__rate_interval]) + y{a="${service}",b="[[service]]"}', {
        service: 'webtoon',
        __rate_interval: '1m',
      }),
    ).toBe('rate(x{job="webtoon"}[1m]) + y{a="webtoon",b="webtoon"}');
    expect(() => substitute('x{job="$nope"}', {})).toThrow(/\$nope/);
  });
});

describe('Prometheus configurations', () => {
  interface PromConfig {
    rule_files: string[];
    scrape_configs: { job_name: string; relabel_configs?: unknown[] }[];
  }
  const compose = parse(readFileSync(join(root, 'prometheus.yml'), 'utf8')) as PromConfig;
  const devstack = parse(prometheusYaml(loadConfig({}))) as PromConfig;
  const k8sRendered = parseAllDocuments(
    execFileSync('kubectl', ['kustomize', join(root, 'k8s', 'overlays', 'dev')], {
      encoding: 'utf8',
    }),
  ).map(
    (d) =>
      d.toJSON() as { kind: string; metadata: { name: string }; data?: Record<string, string> },
  );
  const k8sConfigMap = k8sRendered.find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('prometheus-config'),
  );
  const k8s = parse(k8sConfigMap!.data!['prometheus.yml']) as PromConfig;

  it('discover apps the same way in compose, the dev stack and Kubernetes', () => {
    const relabeling = (c: PromConfig) =>
      c.scrape_configs.find((s) => s.job_name === 'consul-services')?.relabel_configs;
    expect(relabeling(compose)).toBeTruthy();
    expect(relabeling(devstack)).toEqual(relabeling(compose));
    expect(relabeling(k8s)).toEqual(relabeling(compose));
  });

  it('load the rule files of prometheus/rules everywhere', () => {
    expect(compose.rule_files).toEqual(['/etc/prometheus/rules/*.rules.yml']);
    expect(k8s.rule_files).toEqual(['/etc/prometheus/rules/*.rules.yml']);
    expect(devstack.rule_files).toEqual([join(RULES_DIR, '*.rules.yml')]);
  });

  it('run official images, pinned, never pulled when present, in hardened pods', () => {
    const pods = k8sRendered.filter(
      (o) => o.kind === 'Deployment' && ['prometheus', 'grafana'].includes(o.metadata.name),
    ) as unknown as {
      spec: {
        template: {
          spec: {
            securityContext: Record<string, unknown>;
            automountServiceAccountToken: boolean;
            containers: (Record<string, unknown> & { image: string })[];
          };
        };
      };
    }[];
    expect(pods.map((p) => p.spec.template.spec.containers[0].image).sort()).toEqual([
      expect.stringMatching(/^grafana\/grafana:\d+\.\d+\.\d+$/),
      expect.stringMatching(/^prom\/prometheus:v\d+\.\d+\.\d+$/),
    ]);
    for (const { spec } of pods) {
      const [container] = spec.template.spec.containers;
      expect(spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(spec.template.spec.automountServiceAccountToken).toBe(false);
      expect(container).toMatchObject({
        imagePullPolicy: 'IfNotPresent',
        startupProbe: expect.anything(),
        readinessProbe: expect.anything(),
        livenessProbe: expect.anything(),
        resources: { requests: expect.anything(), limits: expect.anything() },
        securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      });
    }
  });
});
