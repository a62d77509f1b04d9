import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { databaseOf, waitFor, withDatabase } from '@lib/platform/testing';
import {
  RunningApp,
  appSpecs,
  platformClient,
  root,
  startPlatformCopy,
  stopApps,
} from '@tools/start';

// The OpenAPI documents against the code, by schemathesis (PyPI, in a cached venv): every
// operation of every service through the gateway, anonymous, as a reader and as an admin.
// Any 5xx, any status, content type, header or body the document does not declare, any
// schema-valid input refused with 400 or schema-invalid input accepted, fails the test.
// Ports are shifted by 5000 (admin ports follow at port + 1000; all below the ephemeral range),
// beside `npm start` and the other e2e copies; the gateway's
// per-IP limits are raised so the generated requests reach the services.
const specs = appSpecs((name, port) => (name.endsWith('_admin') ? port : port + 5_000)).map(
  (spec) =>
    spec.name === 'gateway'
      ? { ...spec, env: { ...spec.env, GATEWAY_RATE_LIMIT_SCALE: '1000', TRUSTED_PROXIES: '' } }
      : spec,
);
const gateway = `http://127.0.0.1:${specs.find((s) => s.name === 'gateway')!.port}`;
const logDir = join(root, '.devstack', 'logs', 'e2e-contracts');
const here = join(root, 'apps', 'platform-e2e', 'schemathesis');
const run = randomUUID().slice(0, 8);
const admin = { email: `contracts-admin-${run}@example.com`, password: `Admin-${randomUUID()}` };
/** Examples per operation and phase: 1 to 5 minutes per run on 2 cores, depending on their load. */
const MAX_EXAMPLES = '30';
const RUN_TIMEOUT_MS = 600_000;
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
  'positive_data_acceptance',
  'missing_required_header',
  'ensure_resource_availability',
  'ignored_auth',
];
const SERVICES: [prefix: string, service: string][] = [
  ['/api/auth', 'auth'],
  ['/api/webtoons', 'webtoon'],
  ['/api/payments', 'payment'],
  ['/api/news', 'news'],
  ['/api/blog', 'blog'],
];

const serviceOf = (path: string) =>
  SERVICES.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))?.[1] ?? 'other';

interface Totals {
  requests: number;
  serverErrors: number;
  failures: Set<string>;
}

interface CheckResult {
  name: string;
  status: string;
  failure_info?: { failure: { operation: string; code: string; title: string; message: string } };
}

interface Recorder {
  checks?: Record<string, CheckResult[]>;
  interactions?: Record<string, { request: { uri: string }; response?: { status_code: number } }>;
}

/**
 * schemathesis' own Python failures while generating a case (seen once: "AST constructor
 * recursion depth mismatch"): not an answer of the API, so not a contract failure.
 */
function isInternalError(body: unknown): boolean {
  return (body as { value?: { type?: string } }).value?.type === 'SystemError';
}

/** Per-service totals from schemathesis' NDJSON event stream. */
function readReport(dir: string): { totals: Map<string, Totals>; errors: string[] } {
  const totals = new Map<string, Totals>();
  const of = (service: string) => {
    let entry = totals.get(service);
    if (!entry)
      totals.set(service, (entry = { requests: 0, serverErrors: 0, failures: new Set() }));
    return entry;
  };
  const errors: string[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ndjson'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const event = JSON.parse(line) as Record<string, { recorder?: Recorder }>;
      const [kind, body] = Object.entries(event)[0];
      if (kind.includes('Error') && !isInternalError(body)) {
        errors.push(JSON.stringify(body).slice(0, 500));
      }
      if (kind !== 'ScenarioFinished' || !body.recorder) continue;
      for (const { request, response } of Object.values(body.recorder.interactions ?? {})) {
        const entry = of(serviceOf(new URL(request.uri).pathname));
        entry.requests += 1;
        if (response && response.status_code >= 500) entry.serverErrors += 1;
      }
      for (const checks of Object.values(body.recorder.checks ?? {})) {
        for (const check of checks) {
          const failure = check.failure_info?.failure;
          if (check.status !== 'failure' || !failure) continue;
          const operationPath = failure.operation.split(' ')[1] ?? '';
          of(serviceOf(operationPath)).failures.add(
            `${failure.operation} ${failure.code} ${failure.title}: ${failure.message.split('\n')[0]}`,
          );
        }
      }
    }
  }
  return { totals, errors };
}

function schemathesis(
  venv: string,
  label: string,
  token: string | undefined,
  extra: string[] = [],
): Promise<{ code: number | null; output: string; reportDir: string; seconds: number }> {
  const reportDir = join(logDir, label);
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const args = [
    '--config-file',
    join(here, 'schemathesis.toml'),
    '--no-color',
    'run',
    `${gateway}/docs/openapi.json`,
    '--url',
    gateway,
    '--max-examples',
    MAX_EXAMPLES,
    '--seed',
    '20261128',
    '--workers',
    '2',
    '--checks',
    CHECKS.join(','),
    '--report',
    'ndjson',
    '--report-dir',
    reportDir,
    ...(token ? ['--header', `Authorization: Bearer ${token}`] : []),
    ...extra,
  ];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // Killed short of the test's own timeout, so a run that hangs fails with its output.
    const child = spawn(join(venv, 'bin', 'schemathesis'), args, {
      cwd: reportDir,
      timeout: RUN_TIMEOUT_MS - 30_000,
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk.toString()));
    child.stderr.on('data', (chunk) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, output, reportDir, seconds: (Date.now() - started) / 1000 }),
    );
  });
}

const api = platformClient(gateway);
const post = (path: string, body: unknown) => api('POST', path, { body });

async function logIn(user: { email: string; password: string }): Promise<string> {
  const reply = await post('/api/auth/login', user);
  expect(reply.status).toBe(200);
  return reply.body.accessToken as string;
}

describe('OpenAPI contracts, checked by schemathesis through the gateway', () => {
  let apps: RunningApp[] = [];
  let venv: string;
  let authDb: DataSource | undefined;
  let readerToken: string;
  let adminToken: string;

  // schemathesis fails logins on purpose; the other e2e files share auth's database and log in
  // from the same address, so their per-IP throttle must not inherit these failures.
  const forgetLoopbackThrottle = () =>
    authDb?.query(`DELETE FROM login_throttle WHERE key = 'ip:127.0.0.1'`);

  beforeAll(async () => {
    try {
      venv = execFileSync(join(here, 'venv.sh'), { encoding: 'utf8', timeout: 600_000 }).trim();
    } catch (error) {
      throw new Error(
        `schemathesis could not be installed (needs python3 with venv and pip, e.g. Debian's python3-venv): ${String(error)}`,
      );
    }
    apps = await startPlatformCopy({
      specs,
      logDir,
      env: { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password },
      // Generous: on a busy 2-core machine seven apps can take minutes to start.
      timeoutMs: 300_000,
    });
    const authUrl = withDatabase(
      process.env.POSTGRES_ADMIN_URL!,
      databaseOf(process.env.AUTH_DATABASE_URL!),
    );
    authDb = await new DataSource({ type: 'postgres', url: authUrl }).initialize();
    await forgetLoopbackThrottle();
    // The merged document lists every service once the gateway has fetched each one.
    await waitFor(
      async () => {
        const response = await fetch(`${gateway}/docs/openapi.json`);
        const document = (await response.json()) as { paths: Record<string, unknown> };
        const paths = Object.keys(document.paths);
        return SERVICES.every(([prefix]) => paths.some((path) => path.startsWith(prefix)))
          ? true
          : undefined;
      },
      60_000,
      () => 'the gateway document never listed every service',
    );
    const reader = { email: `contracts-${run}@example.com`, password: `Pw-${randomUUID()}` };
    const signup = await post('/api/auth/signup', { ...reader, displayName: 'Contract Reader' });
    expect(signup.status).toBe(202);
    readerToken = await logIn(reader);
    adminToken = await logIn(admin);
  }, 900_000);

  afterAll(async () => {
    await stopApps(apps);
    await forgetLoopbackThrottle();
    await authDb?.destroy();
  });

  // Deleting the account would end the token's usefulness for every later operation; the
  // anonymous run covers DELETE /api/auth/me (401), and platform.int-spec.ts deletes accounts.
  const keepAccount = ['--exclude-operation-id', 'UsersController_deleteMe'];

  it.each([
    ['anonymous', () => undefined, []],
    ['reader', () => readerToken, keepAccount],
    ['admin', () => adminToken, keepAccount],
  ] as [string, () => string | undefined, string[]][])(
    'finds no failure with %s requests',
    async (label, token, extra) => {
      const result = await schemathesis(venv, label, token(), extra);
      const { totals, errors } = readReport(result.reportDir);
      const rows = [...totals.entries()].map(([service, t]) => ({
        service,
        requests: t.requests,
        serverErrors: t.serverErrors,
        failures: t.failures.size,
      }));
      console.log(`schemathesis ${label}: ${result.seconds.toFixed(0)} s`, JSON.stringify(rows));
      // Every service was exercised, and nothing failed.
      expect(SERVICES.map(([, service]) => (totals.get(service)?.requests ?? 0) > 0)).toEqual(
        SERVICES.map(() => true),
      );
      expect({
        failures: [...totals.values()].flatMap((t) => [...t.failures]),
        serverErrors: [...totals.values()].reduce((sum, t) => sum + t.serverErrors, 0),
        errors,
      }).toEqual({ failures: [], serverErrors: 0, errors: [] });
      // 1 is schemathesis' "failures or errors", counted from its report above (which lets
      // its internal errors through); anything else is a crash or a usage error.
      expect({
        code: [0, 1].includes(result.code ?? -1) ? 'ran' : result.code,
        tail: [0, 1].includes(result.code ?? -1) ? '' : result.output.slice(-3000),
      }).toEqual({ code: 'ran', tail: '' });
    },
    RUN_TIMEOUT_MS,
  );
});
