import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';

// The monitoring files as data: the Prometheus rules and the Grafana dashboards, read the way
// Prometheus and Grafana read them, so the tests can check them and run their queries.

export const root = resolve(__dirname, '..', '..', '..');
export const RULES_DIR = join(root, 'prometheus', 'rules');
export const DASHBOARDS_DIR = join(root, 'grafana', 'dashboards');

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression reads (not functions, labels, keywords or strings). */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...bare.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)(?!\s*\(|[\w:])/g)]
    .map((m) => m[1])
    .filter((name) => !PROMQL_WORDS.has(name.toLowerCase()));
  return [...new Set(names)];
}

export interface Rule {
  file: string;
  group: string;
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PanelQuery {
  /** The dashboard's file, relative to the repo. */
  file: string;
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

export interface Dashboard {
  file: string;
  uid: string;
  title: string;
  variables: string[];
  queries: PanelQuery[];
}

interface RawPanel {
  type: string;
  title: string;
  panels?: RawPanel[];
  targets?: { refId: string; expr: string }[];
}

function filesIn(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return filesIn(path, suffix);
      return name.endsWith(suffix) ? [path] : [];
    })
    .sort();
}

/** Reads one file with `read`; whatever fails is rethrown with the file's name first. */
function withFileName<T>(path: string, read: (text: string) => T): T {
  try {
    return read(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `${relative(root, path)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Every rule of every `*.rules.yml` below `dir`, in file order. */
export function loadRules(dir = RULES_DIR): Rule[] {
  return filesIn(dir, '.rules.yml').flatMap((path) =>
    withFileName(path, (text) => {
      const doc = parse(text) as { groups?: { name: string; rules: Omit<Rule, 'file'>[] }[] };
      if (!Array.isArray(doc?.groups)) throw new Error('no `groups:` list');
      return doc.groups.flatMap((group) =>
        (group.rules ?? []).map((rule) => {
          if (!(rule.record || rule.alert) || typeof rule.expr !== 'string')
            throw new Error(`group ${group.name}: a rule without record/alert or expr`);
          return { ...rule, file: relative(root, path), group: group.name };
        }),
      );
    }),
  );
}

/** The promtool unit test files (`*.test.yml`) below `dir`. */
export function ruleTestFiles(dir = RULES_DIR): string[] {
  return filesIn(dir, '.test.yml');
}

/** Every dashboard below `dir` with the query of every target of every panel (rows included). */
export function loadDashboards(dir = DASHBOARDS_DIR): Dashboard[] {
  return filesIn(dir, '.json').map((path) =>
    withFileName(path, (text) => {
      const raw = JSON.parse(text) as {
        uid: string;
        title: string;
        panels: RawPanel[];
        templating?: { list: { name: string }[] };
      };
      if (!raw.uid || !Array.isArray(raw.panels)) throw new Error('not a dashboard: no uid/panels');
      const file = relative(root, path);
      const queries = raw.panels
        .flatMap((panel) => [panel, ...(panel.panels ?? [])])
        .filter((panel) => panel.type !== 'row')
        .flatMap((panel) => {
          if (!panel.targets?.length) throw new Error(`panel "${panel.title}" has no query`);
          return panel.targets.map((target) => ({
            file,
            dashboard: raw.title,
            panel: panel.title,
            refId: target.refId,
            expr: target.expr,
          }));
        });
      return {
        file,
        uid: raw.uid,
        title: raw.title,
        variables: (raw.templating?.list ?? []).map((v) => v.name),
        queries,
      };
    }),
  );
}

/**
 * A panel query as Grafana sends it: dashboard variables and Grafana's own
 * (`$__rate_interval`, `$__range`, …) replaced, in the `$name`, `${name}` and `[[name]]` forms.
 */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr.replace(
    /\$\{(\w+)\}|\[\[(\w+)\]\]|\$(\w+)/g,
    (match, braced?: string, bracketed?: string, bare?: string) => {
      const name = braced ?? bracketed ?? bare ?? '';
      if (!(name in values)) throw new Error(`no value for variable ${match} in: ${expr}`);
      return values[name];
    },
  );
}

/** The folder's files that a kustomization's `configMapGenerator` lists, per ConfigMap. */
export function generatedFiles(kustomizationDir: string): Record<string, string[]> {
  const kustomization = parse(
    readFileSync(join(kustomizationDir, 'kustomization.yaml'), 'utf8'),
  ) as { configMapGenerator: { name: string; files: string[] }[] };
  return Object.fromEntries(
    kustomization.configMapGenerator.map((generator) => [generator.name, generator.files]),
  );
}
