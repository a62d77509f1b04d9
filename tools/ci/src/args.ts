import { parseArgs } from 'node:util';
import { APPS, type AppName } from '@tools/images';

/** Which apps a step works on: named ones, every app, or those `ci:affected` found. */
export type AppSelection =
  { kind: 'all' } | { kind: 'affected' } | { kind: 'list'; apps: AppName[] };

export type Command =
  | { name: 'affected'; overlay: string; base?: string }
  | { name: 'build'; tag?: string; apps: AppSelection }
  | { name: 'push'; tag?: string; apps: AppSelection; registry: string }
  | {
      name: 'deploy';
      overlay: string;
      tag?: string;
      apps: AppSelection;
      registry?: string;
      dryRun: boolean;
    }
  | { name: 'wait'; overlay: string; timeoutS: number }
  | { name: 'smoke'; url: string; withinS: number }
  | { name: 'load-gate'; url: string; gate: LoadGateOptions }
  | { name: 'rollback'; overlay: string; timeoutS: number }
  | { name: 'record'; overlay: string };

export interface LoadGateOptions {
  rate: number;
  durationS: number;
  maxErrorRatio: number;
  maxP99Ms: number;
}

export const USAGE = `usage: npm run ci:<step> -- [options]
  ci:affected  --overlay <name> [--base <commit>]   apps changed since the overlay's last recorded deploy
  ci:build     [--tag <tag>] [--apps <a,b|all|affected>]
  ci:push      --registry <prefix> [--tag <tag>] [--apps …]   records each image's digest
  ci:deploy    --overlay <name> [--tag <tag>] [--apps …] [--registry <prefix>] [--dry-run]
               with --registry: the digests ci:push recorded for that prefix and tag
  ci:wait      --overlay <name> [--timeout <s>]     every rollout of the last deploy
  ci:smoke     --url <gateway> [--within <s>]       needs SMOKE_EMAIL and SMOKE_PASSWORD
  ci:load-gate --url <gateway> [--rate <req/s>] [--duration <s>] [--max-error-ratio <x>] [--max-p99-ms <ms>]
  ci:rollback  --overlay <name> [--timeout <s>]     undo what this build's deploy changed
  ci:record    --overlay <name>                     mark this build's deploy as the last good one
The tag defaults to the commit's short sha; --apps defaults to all.`;

export class UsageError extends Error {}

const OVERLAY_NAME = /^[a-z0-9][a-z0-9-]*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function overlay(v: string | undefined): string {
  if (!v) throw new UsageError('--overlay <name> is required (a folder of k8s/overlays)');
  if (!OVERLAY_NAME.test(v)) throw new UsageError(`--overlay ${v}: not an overlay name`);
  return v;
}

function tag(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!TAG.test(v)) throw new UsageError(`--tag ${v}: not a valid image tag`);
  if (v === 'latest') throw new UsageError('--tag latest: deploys use immutable tags only');
  return v;
}

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} ${v}: must be a number > 0`);
  return n;
}

function url(v: string | undefined): string {
  if (!v) throw new UsageError('--url <gateway URL> is required');
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new UsageError(`--url ${v}: not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(`--url ${v}: must be http or https`);
  return v.replace(/\/$/, '');
}

export function parseApps(v: string | undefined): AppSelection {
  if (v === undefined || v === 'all') return { kind: 'all' };
  if (v === 'affected') return { kind: 'affected' };
  const names = v
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(APPS as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new UsageError(`--apps: unknown app ${unknown.join(', ')} (apps: ${APPS.join(', ')})`);
  return { kind: 'list', apps: APPS.filter((a) => names.includes(a)) };
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      options: {
        overlay: { type: 'string' },
        base: { type: 'string' },
        tag: { type: 'string' },
        apps: { type: 'string' },
        registry: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        timeout: { type: 'string', default: '300' },
        url: { type: 'string' },
        within: { type: 'string', default: '60' },
        rate: { type: 'string', default: '20' },
        duration: { type: 'string', default: '20' },
        'max-error-ratio': { type: 'string', default: '0.001' },
        'max-p99-ms': { type: 'string', default: '250' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** `<step> [options]` as the npm scripts pass it; throws UsageError with a readable reason. */
export function parseCommand(argv: string[]): Command {
  const [name, ...rest] = argv;
  const { values } = parseOptions(rest);
  switch (name) {
    case 'affected':
      return { name, overlay: overlay(values.overlay), base: values.base };
    case 'build':
      return { name, tag: tag(values.tag), apps: parseApps(values.apps) };
    case 'push':
      if (!values.registry)
        throw new UsageError('ci:push needs --registry <prefix> (e.g. 127.0.0.1:5000/platform)');
      return {
        name,
        tag: tag(values.tag),
        apps: parseApps(values.apps),
        registry: values.registry.replace(/\/$/, ''),
      };
    case 'deploy':
      return {
        name,
        overlay: overlay(values.overlay),
        tag: tag(values.tag),
        apps: parseApps(values.apps),
        registry: values.registry?.replace(/\/$/, ''),
        dryRun: values['dry-run'],
      };
    case 'wait':
    case 'rollback':
      return {
        name,
        overlay: overlay(values.overlay),
        timeoutS: positive('timeout', values.timeout),
      };
    case 'smoke':
      return { name, url: url(values.url), withinS: positive('within', values.within) };
    case 'load-gate': {
      const maxErrorRatio = Number(values['max-error-ratio']);
      if (!(maxErrorRatio >= 0 && maxErrorRatio < 1))
        throw new UsageError('--max-error-ratio must be in [0, 1)');
      return {
        name,
        url: url(values.url),
        gate: {
          rate: positive('rate', values.rate),
          durationS: positive('duration', values.duration),
          maxErrorRatio,
          maxP99Ms: positive('max-p99-ms', values['max-p99-ms']),
        },
      };
    }
    case 'record':
      return { name, overlay: overlay(values.overlay) };
    default:
      throw new UsageError(`unknown step ${name ?? '(none)'}`);
  }
}
