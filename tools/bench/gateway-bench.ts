// The gateway against the same trivial upstream reached directly, through express-gateway
// (the design card's original pick) and through nginx from Debian, in one run. Prints
// tables; asserts nothing.
//   npm run bench:gateway [-- --duration 10 --connections 50 --rate 1000 --rounds 3]
// Needs a Consul binary (`npm run stack:up` builds one) and nginx (`apt-get install nginx`;
// the nginx row is skipped with a hint when it is missing). express-gateway is installed on
// first use into ~/.cache/microservices-platform, never into the repo.
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { numberArg } from './gateway/args';
import { PINNED, SERVER_CPU, stopAllOnExit } from './gateway/processes';
import { median } from './gateway/stats';
import {
  BENCH_PATH,
  EXPRESS_GATEWAY_VERSION,
  nginxBinary,
  startConsul,
  startExpressGateway,
  startGateway,
  startMinimalProxy,
  startNginx,
  startUpstream,
  type Target,
} from './gateway/targets';

const duration = numberArg('duration', 10);
const connections = numberArg('connections', 50);
const rate = numberArg('rate', 1000);
/** Targets are measured in turn, round after round, and each figure is the median: a
 * neighbour's burst of CPU then spoils one round of every target, not one target. */
const rounds = numberArg('rounds', 3);
const WARMUP_SECONDS = 3;

export interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Latency at a fixed request rate, where no target is saturated. */
  fixedP50: number;
  fixedP99: number;
}

async function load(
  url: string,
  options: { connections: number; duration: number; overallRate?: number },
) {
  const result = await autocannon({ url, ...options });
  return { result, errors: result.errors + result.non2xx };
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  fixedP50: number;
  fixedP99: number;
}

async function sample(target: Target): Promise<Sample> {
  const url = `${target.url}${BENCH_PATH}`;
  const max = await load(url, { connections, duration });
  const fixed = await load(url, { connections: 10, duration, overallRate: rate });
  return {
    rps: max.result.requests.average,
    p50: max.result.latency.p50,
    p99: max.result.latency.p99,
    errors: max.errors + fixed.errors,
    fixedP50: fixed.result.latency.p50,
    fixedP99: fixed.result.latency.p99,
  };
}

function summarise(name: string, samples: Sample[]): Row {
  const of = (key: keyof Sample) => median(samples.map((s) => s[key]));
  return {
    name,
    rps: of('rps'),
    p50: of('p50'),
    p99: of('p99'),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    fixedP50: of('fixedP50'),
    fixedP99: of('fixedP99'),
  };
}

function table(rows: Row[]): string {
  const header = [
    'path',
    'req/s',
    'p50 ms',
    'p99 ms',
    `p50 @${rate}/s`,
    `p99 @${rate}/s`,
    'errors',
  ];
  const lines = rows.map((r) =>
    [r.name, Math.round(r.rps), r.p50, r.p99, r.fixedP50, r.fixedP99, r.errors].join(' | '),
  );
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...lines.map((l) => `| ${l} |`),
  ].join('\n');
}

export interface GatewayFigures {
  duration: number;
  connections: number;
  rate: number;
  rounds: number;
  pinned: boolean;
  rows: Row[];
  /** p99 at the fixed rate through this gateway minus the upstream's, ms. */
  addedP99?: number;
  /** Medians of per-round req/s ratios of this gateway over each other target. */
  ratios: {
    vsExpressGateway?: number;
    vsNodeFloor?: number;
    vsFastifyFloor?: number;
    vsNginx?: number;
  };
}

/** Runs the gateway benchmark with its defaults (command-line overrides), prints it, returns the figures. */
export async function runGatewayBench(): Promise<GatewayFigures> {
  stopAllOnExit();
  const consul = await startConsul();
  const upstream = await startUpstream(consul.url);
  const targets: { name: string; target: Target }[] = [
    { name: 'upstream direct', target: upstream },
  ];
  const rows: Row[] = [];
  /** Ratios taken within each round (both targets under the same machine weather), then the median. */
  let pairedRatios: (numerator: string, denominator: string) => number | undefined = () =>
    undefined;
  try {
    targets.push({ name: 'this gateway', target: await startGateway(consul.url, false) });
    targets.push({
      name: 'this gateway, access log on',
      target: await startGateway(consul.url, true),
    });
    targets.push({
      name: 'minimal Fastify + undici proxy (no features)',
      target: await startMinimalProxy('fastify', upstream.url),
    });
    targets.push({
      name: 'minimal Fastify + undici proxy forwarding headers (no features)',
      target: await startMinimalProxy('fastify-headers', upstream.url),
    });
    targets.push({
      name: 'minimal node:http + undici proxy (no features)',
      target: await startMinimalProxy('node-http', upstream.url),
    });
    targets.push({
      name: `express-gateway ${EXPRESS_GATEWAY_VERSION}`,
      target: await startExpressGateway(upstream.url),
    });
    const nginx = nginxBinary();
    if (nginx)
      targets.push({ name: 'nginx (Debian)', target: await startNginx(nginx, upstream.url) });
    else console.log('nginx not found: `sudo apt-get install -y nginx` adds the nginx row.');

    for (const { target } of targets) {
      await load(`${target.url}${BENCH_PATH}`, { connections, duration: WARMUP_SECONDS });
    }
    const samples = targets.map(() => [] as Sample[]);
    for (let round = 1; round <= rounds; round++) {
      for (const [i, { name, target }] of targets.entries()) {
        const result = await sample(target);
        samples[i].push(result);
        console.log(`round ${round}/${rounds} ${name}: ${Math.round(result.rps)} req/s`);
      }
    }
    rows.push(...targets.map(({ name }, i) => summarise(name, samples[i])));
    pairedRatios = (numerator, denominator) => {
      const n = targets.findIndex(({ name }) => name.startsWith(numerator));
      const d = targets.findIndex(({ name }) => name.startsWith(denominator));
      if (n === -1 || d === -1) return undefined;
      return median(samples[n].map((s, round) => s.rps / samples[d][round].rps));
    };
  } finally {
    for (const { target } of [...targets].reverse()) await target.stop();
    await consul.stop();
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const where = PINNED
    ? `upstream and proxy pinned to CPU ${SERVER_CPU}`
    : 'no CPU pinning (taskset missing)';
  console.log(
    `\nGET ${BENCH_PATH}, autocannon ${connections} connections × ${duration} s after ${WARMUP_SECONDS} s warm-up;` +
      ` then ${rate} req/s over 10 connections; median of ${rounds} rounds.` +
      ` ${cpus().length} × ${cpu}; ${where}.\n`,
  );
  console.log(table(rows));

  const by = (prefix: string) => rows.find((r) => r.name.startsWith(prefix));
  const [direct, ours, eg, nginxRow] = [
    by('upstream'),
    by('this gateway'),
    by('express'),
    by('nginx'),
  ];
  if (direct && ours) {
    console.log(
      `\nAdded p99 at ${rate} req/s: ${(ours.fixedP99 - direct.fixedP99).toFixed(1)} ms (goal ≤ 5 ms)`,
    );
  }
  const paired = (numerator: string, denominator: string) => {
    const ratio = pairedRatios(numerator, denominator);
    return ratio === undefined ? '' : `; median of the per-round ratios ${ratio.toFixed(2)}`;
  };
  if (ours && eg) {
    console.log(
      `vs express-gateway: ${(ours.rps / eg.rps).toFixed(1)}× the req/s (goal ≥ 4×)${paired('this gateway', 'express')}`,
    );
  }
  if (ours && nginxRow) {
    console.log(
      `vs nginx: ${Math.round((100 * ours.rps) / nginxRow.rps)}% of its req/s (goal ≥ 50%)${paired('this gateway', 'nginx')}`,
    );
  }
  for (const [floor, label] of [
    ['minimal Fastify', 'minimal Fastify proxy'],
    ['minimal Fastify + undici proxy forwarding', 'minimal Fastify proxy forwarding headers'],
    ['minimal node:http', 'minimal node:http proxy'],
  ]) {
    const row = by(floor);
    if (!row || !ours) continue;
    const vsNginx = nginxRow
      ? `${Math.round((100 * row.rps) / nginxRow.rps)}% of nginx${paired(floor, 'nginx')}; `
      : '';
    console.log(
      `${label}: ${vsNginx}${(row.rps / (eg?.rps ?? NaN)).toFixed(1)}× express-gateway${paired(floor, 'express')}; this gateway at ${Math.round((100 * ours.rps) / row.rps)}% of it${paired('this gateway', floor)}`,
    );
  }
  return {
    duration,
    connections,
    rate,
    rounds,
    pinned: PINNED,
    rows,
    addedP99: direct && ours ? ours.fixedP99 - direct.fixedP99 : undefined,
    ratios: {
      vsExpressGateway: pairedRatios('this gateway', 'express'),
      vsNodeFloor: pairedRatios('this gateway', 'minimal node:http'),
      vsFastifyFloor: pairedRatios('this gateway', 'minimal Fastify + undici proxy (no'),
      vsNginx: pairedRatios('this gateway', 'nginx'),
    },
  };
}

if (require.main === module) {
  runGatewayBench().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
