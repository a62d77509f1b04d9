// `npm run bench`: every benchmark with its defaults, one after the other, then
// docs/benchmarks.md (a table per benchmark, the goal beside each figure) and its SVG charts
// in docs/images/. The figures are kept in docs/benchmarks.json, so `--only saga,events`
// reruns some and rewrites the report with the others' last figures.
//
//   npm run bench
//   npm run bench -- --only saga            (or a comma list: --only gateway,memory)
//   npm run bench -- --report               (rewrite the report from the JSON, run nothing)
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { runAuthBench } from './auth-bench';
import { runEventsBench } from './events-bench';
import { runGatewayBench } from './gateway-bench';
import { runMemoryBench } from './memory-bench';
import { BENCHMARKS, render, type BenchName, type Results, type Run } from './report/report';
import { runSagaBench } from './saga-bench';
import { runWebtoonBench } from './webtoon-bench';

const root = resolve(__dirname, '../..');
const jsonPath = join(root, 'docs', 'benchmarks.json');
const reportPath = join(root, 'docs', 'benchmarks.md');
const imagesDir = join(root, 'docs', 'images');

const runners: Record<BenchName, () => Promise<unknown>> = {
  gateway: runGatewayBench,
  webtoon: runWebtoonBench,
  saga: runSagaBench,
  events: runEventsBench,
  auth: runAuthBench,
  memory: runMemoryBench,
};

function selected(): BenchName[] {
  const index = process.argv.indexOf('--only');
  if (index === -1) return [...BENCHMARKS];
  const names = (process.argv[index + 1] ?? '')
    .split(',')
    .map((name) => (name.trim() === 'startup' ? 'memory' : name.trim()));
  const unknown = names.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `--only takes a comma list of ${BENCHMARKS.join(', ')} (startup runs with memory); got ${unknown.join(', ') || 'nothing'}`,
    );
  }
  return names as BenchName[];
}

/** The commit measured, marked when the worktree had changes outside the report itself. */
function commit(): string {
  const git = (args: string) => execSync(`git ${args}`, { cwd: root, encoding: 'utf8' }).trim();
  try {
    const changed = git('status --porcelain')
      .split('\n')
      .filter((line) => line && !/docs\/(benchmarks\.|images\/bench-)/.test(line));
    return `${git('rev-parse --short HEAD')}${changed.length > 0 ? ' with local changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** Recursively rounds numbers to 0.1, so the JSON stays readable and diffs stay small. */
const rounded = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 10) / 10 : v,
    ),
  );

async function main(): Promise<void> {
  const results: Results = existsSync(jsonPath)
    ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as Results)
    : {};
  let failed = 0;
  if (!process.argv.includes('--report')) {
    for (const name of selected()) {
      const loadBefore = loadavg()[0];
      const started = performance.now();
      console.log(`\n━━ ${name} (load average ${loadBefore.toFixed(2)}) ━━`);
      try {
        const figures = await runners[name]();
        const run: Run = {
          date: new Date().toISOString(),
          commit: commit(),
          cores: cpus().length,
          cpu: cpus()[0]?.model ?? 'unknown CPU',
          ramGb: Math.round(totalmem() / 2 ** 30),
          node: process.version,
          loadBefore,
          loadAfter: loadavg()[0],
          seconds: (performance.now() - started) / 1000,
        };
        Object.assign(results, { [name]: rounded({ run, figures }) });
        writeFileSync(
          jsonPath,
          await format(JSON.stringify(results), {
            ...((await resolveConfig(jsonPath)) ?? {}),
            filepath: jsonPath,
          }),
        );
      } catch (error) {
        failed++;
        console.error(`${name} failed; its last figures (if any) stay in the report:`, error);
      }
    }
  }
  const { markdown, images } = render(results);
  mkdirSync(imagesDir, { recursive: true });
  for (const [file, svg] of Object.entries(images)) writeFileSync(join(imagesDir, file), svg);
  // Formatted as the repo's own Markdown is, so a format check passes on the written page.
  const options = (await resolveConfig(reportPath)) ?? {};
  writeFileSync(reportPath, await format(markdown, { ...options, filepath: reportPath }));
  console.log(`\nwrote ${reportPath} and ${Object.keys(images).length} charts in ${imagesDir}`);
  // Clients of the in-process benches (Kafka, PostgreSQL pools) may keep the loop alive.
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
