/**
 * What each app loads before it does anything: every app's built root module is required in a
 * fresh `node` (no tsx, no connections), then its RSS and heap after a full GC, the number of
 * modules, and the packages that bring the most code. Shows where an idle app's memory starts.
 *
 *   npm run bench:modules                  (builds the apps first)
 *   BENCH_NODE_FLAGS=--enable-source-maps npm run bench:modules
 */
import { spawnSync } from 'node:child_process';
import { formatTable } from '@tools/devstack';
import { buildApps, root } from '../start';

const APPS = ['gateway', 'auth', 'webtoon', 'payment', 'news', 'blog'];
const TOP = Number(process.env.BENCH_TOP ?? 8);

interface Loaded {
  modules: number;
  rssMb: number;
  heapMb: number;
  packages: [name: string, modules: number, kb: number][];
}

// Runs in the child: plain CommonJS, so the figures are the app's and Node's alone.
const PROBE = `
const { statSync } = require('node:fs');
require(require.resolve('reflect-metadata', { paths: [process.cwd()] }));
require(require("node:path").resolve(process.argv[1]));
global.gc(); global.gc();
const packages = new Map();
for (const file of Object.keys(require.cache)) {
  const at = file.lastIndexOf('node_modules/');
  const parts = at < 0 ? ['(own code)'] : file.slice(at + 13).split('/');
  const name = parts[0].startsWith('@') ? parts[0] + '/' + parts[1] : parts[0];
  const entry = packages.get(name) ?? [name, 0, 0];
  entry[1] += 1; entry[2] += statSync(file).size / 1024;
  packages.set(name, entry);
}
const { rss, heapUsed } = process.memoryUsage();
process.stdout.write(JSON.stringify({
  modules: Object.keys(require.cache).length,
  rssMb: rss / 1048576,
  heapMb: heapUsed / 1048576,
  packages: [...packages.values()].sort((a, b) => b[2] - a[2]),
}));
`;

function load(app: string): Loaded {
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const main = `dist/apps/${app}/apps/${app}/src/app.module.js`;
  const run = spawnSync(process.execPath, [...flags, '--expose-gc', '-e', PROBE, main], {
    cwd: root,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`${app}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Loaded;
}

function main(): void {
  buildApps(APPS, true);
  const bare = spawnSync(
    process.execPath,
    ['-e', 'process.stdout.write(String(process.memoryUsage().rss / 1048576))'],
    {
      encoding: 'utf8',
    },
  );
  console.log(
    `Node ${process.version}${process.env.BENCH_NODE_FLAGS ? ` ${process.env.BENCH_NODE_FLAGS}` : ''}; a bare node process: ${Number(bare.stdout).toFixed(0)} MB RSS\n`,
  );
  const rows = [['app', 'modules', 'RSS MB', 'heap MB', `largest packages (modules, KB of code)`]];
  for (const app of APPS) {
    const loaded = load(app);
    const top = loaded.packages
      .slice(0, TOP)
      .map(([name, modules, kb]) => `${name} ${modules}/${kb.toFixed(0)}`)
      .join(', ');
    rows.push([
      app,
      String(loaded.modules),
      loaded.rssMb.toFixed(0),
      loaded.heapMb.toFixed(0),
      top,
    ]);
  }
  console.log(formatTable(rows));
}

main();
