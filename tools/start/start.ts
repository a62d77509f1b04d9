// `npm start`: the whole platform on this machine. Dev stack up, apps built and started,
// each waited for until ready and registered in Consul, then a table; Ctrl-C stops it all.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { down, ensureStack } from '@tools/devstack';
import { APPS } from './apps';
import {
  RunningApp,
  buildApps,
  root,
  rssMb,
  seconds,
  startApp,
  stopApps,
  waitUntilReady,
} from './platform';

const logDir = join(root, '.devstack', 'logs', 'apps');
const keepStack = process.argv.includes('--keep-stack');
const apps: RunningApp[] = [];

function printTable(): void {
  const ordered = [...apps].sort((a, b) =>
    a.spec.name === 'gateway' ? -1 : b.spec.name === 'gateway' ? 1 : 0,
  );
  const rows = ordered.map((a) => [
    a.spec.name,
    `http://127.0.0.1:${a.spec.port}`,
    a.readyMs === undefined ? 'starting' : 'ready',
    a.readyMs === undefined ? '-' : seconds(a.readyMs),
    rssMb(a.child.pid),
  ]);
  const header = ['app', 'URL', 'health', 'ready in', 'RSS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const started = performance.now();
  const stackEnv = await ensureStack();

  const buildStarted = performance.now();
  console.log('› building the apps (nx run-many -t build)…');
  buildApps(APPS.map((a) => a.name));
  console.log(`✓ built in ${seconds(performance.now() - buildStarted)}`);

  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log('\n› stopping the apps…');
    await stopApps(apps);
    if (!keepStack) {
      console.log(
        '› stopping the dev stack (data kept; `npm run stack:down -- --wipe` deletes it)…',
      );
      await down({});
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());

  for (const spec of APPS)
    apps.push(startApp(spec, { ...stackEnv, NODE_ENV: 'development' }, logDir));
  await waitUntilReady(apps, stackEnv.CONSUL_URL, 120_000, logDir, (app) =>
    console.log(`✓ ${app.spec.name} ready and registered in ${seconds(app.readyMs ?? 0)}`),
  );
  printTable();
  const gateway = APPS.find((a) => a.name === 'gateway');
  console.log(
    `\nThe platform is up in ${seconds(performance.now() - started)}. Gateway: http://127.0.0.1:${gateway?.port}`,
  );
  console.log(
    `Logs: ${logDir}/<app>.log · infrastructure: npm run stack:status · Ctrl-C stops everything.`,
  );
}

main().catch(async (error: unknown) => {
  console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
  await stopApps(apps);
  process.exit(1);
});
