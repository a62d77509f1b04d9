// CPU time per proxied request of the gateway and the featureless Node.js proxies, each at the
// same fixed request rate, taken in interleaved slices on the pinned core. On this VM req/s at
// saturation drifts by tens of percent within minutes; CPU per request at a fixed rate, read
// from /proc, moves far less, so this is the figure to compare two versions of the gateway by
// (run it on each). Prints a table; asserts nothing. Linux only.
//   npm run bench:gateway:cpu [-- --rate 8000 --seconds 3 --slices 8 --forwarded --profile]
// --forwarded: every request carries X-Forwarded-For and X-Forwarded-Proto, as it does behind
// an ingress or load balancer.
// --profile: the gateway runs under V8's sampling profiler (`--cpu-prof`, which costs CPU of
// its own: compare its µs only with other profiled runs); prints where its CPU time went, by
// package and by function, and keeps the .cpuprofile (open it in Chrome DevTools).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { numberArg } from './gateway/args';
import { summarizeProfile } from './gateway/cpu-profile';
import { stopAllOnExit } from './gateway/processes';
import { cpuSeconds, median } from './gateway/stats';
import {
  BENCH_PATH,
  startConsul,
  startGateway,
  startMinimalProxy,
  startUpstream,
  type Target,
} from './gateway/targets';

const rate = numberArg('rate', 8000);
const seconds = numberArg('seconds', 3);
const slices = numberArg('slices', 8);
const profileDir = process.argv.includes('--profile')
  ? mkdtempSync(join(tmpdir(), 'gateway-profile-'))
  : undefined;
const headers: Record<string, string> = process.argv.includes('--forwarded')
  ? { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' }
  : {};

interface Measured {
  name: string;
  target: Target;
  microseconds: number[];
}

/** CPU µs the target's process spent per request while serving `rate` req/s. */
async function slice(target: Target): Promise<number> {
  const pid = target.pid;
  if (pid === undefined) throw new Error('target has no pid');
  const before = cpuSeconds(pid);
  const result = await autocannon({
    url: `${target.url}${BENCH_PATH}`,
    connections: 50,
    duration: seconds,
    overallRate: rate,
    headers,
  });
  const errors = result.errors + result.non2xx;
  if (errors > 0) throw new Error(`${errors} failed requests: the measurement is void`);
  return ((cpuSeconds(pid) - before) * 1e6) / result.requests.total;
}

async function main(): Promise<void> {
  stopAllOnExit();
  const consul = await startConsul();
  const upstream = await startUpstream(consul.url);
  const measured: Measured[] = [];
  try {
    const add = async (name: string, target: Promise<Target>) =>
      measured.push({ name, target: await target, microseconds: [] });
    await add(
      'this gateway',
      startGateway(
        consul.url,
        false,
        profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      ),
    );
    await add('minimal Fastify + undici proxy', startMinimalProxy('fastify', upstream.url));
    await add(
      'minimal Fastify + undici proxy forwarding headers',
      startMinimalProxy('fastify-headers', upstream.url),
    );
    await add('minimal node:http + undici proxy', startMinimalProxy('node-http', upstream.url));
    for (const { target } of measured) {
      await autocannon({ url: `${target.url}${BENCH_PATH}`, connections: 50, duration: 3 });
    }
    for (let i = 1; i <= slices; i++) {
      for (const entry of measured) entry.microseconds.push(await slice(entry.target));
      console.log(
        `slice ${i}/${slices}: ` +
          measured.map((m) => `${m.microseconds.at(-1)?.toFixed(1)} µs`).join(' | '),
      );
    }
  } finally {
    for (const { target } of [...measured].reverse()) await target.stop();
    await upstream.stop();
    await consul.stop();
  }
  const forwarded = Object.keys(headers).length > 0 ? ', with X-Forwarded-For/-Proto' : '';
  console.log(
    `\nCPU per request at ${rate} req/s${forwarded}, median of ${slices} interleaved slices of ${seconds} s:\n`,
  );
  console.log('| proxy | CPU µs per request | min | max |\n|---|---|---|---|');
  for (const { name, microseconds } of measured) {
    const values = [median(microseconds), Math.min(...microseconds), Math.max(...microseconds)];
    console.log(`| ${name} | ${values.map((v) => v.toFixed(1)).join(' | ')} |`);
  }
  if (profileDir) printProfile(profileDir);
}

function printProfile(dir: string): void {
  const { samples, byPart, byFunction } = summarizeProfile(dir);
  const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
  console.log(`\nThe gateway's CPU profile (${samples} busy samples; ${dir}):\n`);
  console.log('| part | self time |\n|---|---|');
  for (const [part, share] of byPart.slice(0, 15)) console.log(`| ${part} | ${pct(share)} |`);
  console.log('\n| function | self time |\n|---|---|');
  for (const [name, share] of byFunction.slice(0, 30)) console.log(`| ${name} | ${pct(share)} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
