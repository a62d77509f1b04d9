// `npm run demo:scale`: the scaling demo on the dev stack, beside a running `npm start`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LOAD_TEST_HEADER } from '@lib/contracts';
import { ensureStack, formatTable } from '@tools/devstack';
import { APPS, root } from '@tools/start';
import { runNativeDemo, stepTable } from './native-demo';

const USAGE = `usage: npm run demo:scale -- [options]   (with \`npm start\` running in another terminal)
  --rate <n>    requests per second through the gateway (default 40: under the gateway's
                per-IP limit of 50 req/s on /api/webtoons, so no key is needed)
  --step <s>    seconds each step is measured (default 10)
  --out <file>  the steps as JSON (default .devstack/demo-scale.json)
env LOAD_TEST_KEY   the gateway's load-test key, when it was started with GATEWAY_LOAD_TEST_KEY
                    (then a rate above 50 is served); never printed
Adds webtoon instances 2 and 3 on webtoon's port + 10 and + 20 (admin port + 1000), then
removes them; the cluster demo is \`npm run demo:scale:cluster\` (docs/scaling.md).`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: '40' },
      step: { type: 'string', default: '10' },
      out: { type: 'string', default: join(root, '.devstack', 'demo-scale.json') },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const rate = Number(values.rate);
  const stepS = Number(values.step);
  if (!(rate > 0) || !(stepS > 0)) throw new Error('--rate and --step must be numbers > 0');
  const app = (name: string) => {
    const spec = APPS.find((a) => a.name === name);
    if (!spec) throw new Error(`npm start runs no ${name}`);
    return spec;
  };
  const gateway = app('gateway');
  const webtoon = app('webtoon');
  const gatewayUrl = `http://127.0.0.1:${gateway.port}`;
  const up = await fetch(`${gatewayUrl}/api/webtoons?limit=1`).catch(() => undefined);
  if (!up?.ok)
    throw new Error(
      `no platform answers at ${gatewayUrl}: start it first with \`npm start\` (another terminal)`,
    );
  const stackEnv = await ensureStack({ quiet: true });
  const key = process.env.LOAD_TEST_KEY;
  console.log(
    `load: ${rate} req/s of readers through ${gatewayUrl}${key ? ' (load-test key sent)' : ''}; ${stepS} s per step`,
  );
  const result = await runNativeDemo({
    gatewayUrl,
    consulUrl: stackEnv.CONSUL_URL,
    env: { ...stackEnv, NODE_ENV: 'development' },
    webtoon,
    extraPorts: [
      { port: webtoon.port + 10, adminPort: webtoon.adminPort + 10 },
      { port: webtoon.port + 20, adminPort: webtoon.adminPort + 20 },
    ],
    rate,
    stepS,
    headers: key ? { [LOAD_TEST_HEADER]: key } : {},
    logDir: join(root, '.devstack', 'logs', 'demo-scale'),
    onLine: (l) => console.log(`› ${l}`),
    onStep: (row) => console.log(`✓ ${row.step}: ${row.load.servedRps.toFixed(1)} req/s served`),
  });
  console.log(`\n${formatTable(stepTable(result.steps))}`);
  const f = result.figures;
  console.log(
    `\n${f.requests} requests, ${f.errors} failed (${(f.errorRatio * 100).toFixed(2)} %), p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms`,
  );
  mkdirSync(join(values.out, '..'), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`steps written to ${values.out}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`demo:scale: ${err.message}`);
    process.exit(1);
  },
);
