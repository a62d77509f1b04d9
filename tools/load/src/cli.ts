import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LOAD_TEST_HEADER } from '@lib/contracts';
import { formatTable } from '@tools/devstack';
import { runLoad, type LoadMode } from './runner';
import { client, discover, signUpReaders } from './catalogue';
import { readerScenario } from './scenario';
import type { Figures } from './stats';

const USAGE = `usage: npm run load -- --url <gateway URL> (--rate <req/s> | --connections <n>) [options]
  --url <url>            the gateway (only this machine's addresses or the project's own namespaces)
  --rate <n>             open loop: n requests per second, whatever the answers' speed
  --connections <n>      closed loop: n connections, each sending when its last answer came
  --duration <s>         how long to hold the target (default 30)
  --ramp-up <s>          linear ramp from 0 to the target first (default 5)
  --ramp-down <s>        linear ramp back to 0 at the end (default 5)
  --purchase-share <x>   share of steps that are purchases by signed-in readers (default 0.02)
  --users <n>            readers to sign up for those purchases (default 5)
  --out <file>           write the figures as JSON (default load-result.json)
  --timeout <ms>         a request slower than this is an error (default 10000)
  --progress <format>    text (default) or json: one JSON object per second, for tools to read
SIGTERM or Ctrl-C ends the load early; the figures of what ran are still reported and written.
env LOAD_TEST_KEY        the gateway's load-test key (GATEWAY_LOAD_TEST_KEY), sent with every
                         request so the load counts against the load-test bucket, not the
                         per-IP limits (docs/scaling.md); never printed`;

function report(f: Figures): string {
  const ms = (v: number) => v.toFixed(1);
  const rows = [
    ['ENDPOINT', 'REQUESTS', 'ERRORS', 'P50 MS', 'P95 MS', 'P99 MS', 'STATUSES'],
    ...Object.entries(f.endpoints).map(([name, e]) => [
      name,
      String(e.requests),
      String(e.errors),
      ms(e.p50Ms),
      ms(e.p95Ms),
      ms(e.p99Ms),
      Object.entries(e.statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(' '),
    ]),
  ];
  return `${formatTable(rows)}\n\n${f.requests} requests in ${f.seconds.toFixed(1)} s: ${f.rps.toFixed(1)} req/s, error ratio ${(f.errorRatio * 100).toFixed(2)} %, p50 ${ms(f.p50Ms)} ms, p99 ${ms(f.p99Ms)} ms`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      rate: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string', default: '30' },
      'ramp-up': { type: 'string', default: '5' },
      'ramp-down': { type: 'string', default: '5' },
      'purchase-share': { type: 'string', default: '0.02' },
      users: { type: 'string', default: '5' },
      out: { type: 'string', default: 'load-result.json' },
      timeout: { type: 'string', default: '10000' },
      progress: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const num = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0)
      throw new Error(`--${name} must be a number ≥ 0`);
    return n;
  };
  if (!values.url || (values.rate === undefined) === (values.connections === undefined)) {
    console.error(USAGE);
    return 2;
  }
  const url = values.url.replace(/\/$/, '');
  const mode: LoadMode =
    values.rate !== undefined
      ? { kind: 'open', rate: num('rate', values.rate) }
      : { kind: 'closed', connections: Math.round(num('connections', values.connections)) };
  const stages = {
    rampUpS: num('ramp-up', values['ramp-up']),
    holdS: num('duration', values.duration),
    rampDownS: num('ramp-down', values['ramp-down']),
  };
  if (values.progress !== 'text' && values.progress !== 'json') {
    console.error(USAGE);
    return 2;
  }
  const key = process.env.LOAD_TEST_KEY;
  const headers: Record<string, string> = key ? { [LOAD_TEST_HEADER]: key } : {};
  const call = client(url, headers);
  const catalogue = await discover(call);
  const purchaseShare = num('purchase-share', values['purchase-share']);
  const tokens =
    purchaseShare > 0 ? await signUpReaders(call, Math.round(num('users', values.users))) : [];
  const target =
    mode.kind === 'open'
      ? `${mode.rate} req/s (open loop)`
      : `${mode.connections} connections (closed loop)`;
  console.log(
    `load on ${url}: ${target}, ramp ${stages.rampUpS} s, hold ${stages.holdS} s, down ${stages.rampDownS} s; ${catalogue.series.length} series, ${tokens.length} signed-in readers${key ? ', load-test key sent' : ''}`,
  );
  const json = values.progress === 'json';
  // SIGTERM (a pod stopped, a demo that has seen enough) ends the load early with its figures.
  const stop = new AbortController();
  const onStop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: stopping the load; the requests in flight finish`);
    stop.abort();
  };
  process.once('SIGTERM', onStop);
  process.once('SIGINT', onStop);
  const figures = await runLoad({
    signal: stop.signal,
    url,
    mode,
    stages,
    scenario: readerScenario(catalogue, { purchaseShare, tokens }),
    headers,
    timeoutMs: num('timeout', values.timeout),
    onProgress: (p) =>
      console.log(
        json
          ? JSON.stringify({ progress: p })
          : `  ${p.t.toFixed(0).padStart(4)} s  target ${p.target.toFixed(0).padStart(5)}  ${String(p.rps).padStart(6)} req/s  ${String(p.errors).padStart(5)} errors  p95 ${p.p95Ms.toFixed(1)} ms  p99 ${p.p99Ms.toFixed(1)} ms`,
      ),
  });
  console.log(`\n${report(figures)}`);
  if (json) console.log(JSON.stringify({ result: figures }));
  const limited = Object.values(figures.endpoints).some((e) => e.statuses['429']);
  if (limited)
    console.log(
      key
        ? '429s: the gateway refused the load-test key or its load-test bucket ran dry (GATEWAY_LOAD_TEST_RATE)'
        : '429s: the gateway rate-limited this client (set LOAD_TEST_KEY to the gateway’s load-test key)',
    );
  writeFileSync(
    values.out,
    `${JSON.stringify({ url, mode, stages, purchaseShare, ...figures }, null, 2)}\n`,
  );
  console.log(`figures written to ${values.out}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`load: ${err.message}`);
    process.exit(1);
  },
);
