import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config';
import { runScaleDemo, type LoadShape } from './scale-demo';
import { disruptionSummary, runDisruptionDemo } from './scale-disruption';
import { reportMarkdown, sampleLine, summary, timelineSvg } from './scale-report';

/** The demo's load: measured to take webtoon well past its target on two busy cores. */
export const DEMO_LOAD: LoadShape = { rate: 200, rampUpS: 15, holdS: 150, rampDownS: 5 };

const USAGE = `usage: npm run demo:scale:cluster -- [options]   (needs root: the dev cluster)
  --rate <n>        requests per second of the load generator (default ${DEMO_LOAD.rate})
  --ramp-up <s>     (default ${DEMO_LOAD.rampUpS})   --hold <s> (default ${DEMO_LOAD.holdS})   --ramp-down <s> (default ${DEMO_LOAD.rampDownS})
  --no-deploy       use the platform as it runs (default: npm run cluster:deploy first)
  --disruption      instead: roll webtoon out to a new image, then delete one of its pods,
                    under --rate (default 100); the load stops once both have settled
                    (--hold, default 300, bounds it); prints requests and failures per stretch
  --out <dir>       report.md, timeline.svg and result.json (default .devcluster/scale-demo)`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: String(DEMO_LOAD.rate) },
      'ramp-up': { type: 'string', default: String(DEMO_LOAD.rampUpS) },
      hold: { type: 'string', default: String(DEMO_LOAD.holdS) },
      'ramp-down': { type: 'string', default: String(DEMO_LOAD.rampDownS) },
      'no-deploy': { type: 'boolean', default: false },
      disruption: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const num = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number ≥ 0`);
    return n;
  };
  const load: LoadShape = {
    rate: num('rate', values.rate),
    rampUpS: num('ramp-up', values['ramp-up']),
    holdS: num('hold', values.hold),
    rampDownS: num('ramp-down', values['ramp-down']),
  };
  if (values.disruption) {
    const result = await runDisruptionDemo({
      rate: argv.some((a) => a.startsWith('--rate')) ? load.rate : 100,
      holdS: argv.some((a) => a.startsWith('--hold')) ? load.holdS : 300,
      deploy: !values['no-deploy'],
      onLine: (l) => console.log(l),
    });
    console.log(disruptionSummary(result).join('\n'));
    const rollout = result.windows.find((w) => w.name === 'rollout');
    const loss = result.windows.find((w) => w.name === 'pod loss');
    return rollout?.errors === 0 && (loss?.errorRatio ?? 1) <= 0.001 ? 0 : 1;
  }
  const out = resolve(values.out ?? join(loadConfig().dir, 'scale-demo'));
  if (!values['no-deploy']) console.log('deploying the platform (npm run cluster:deploy)…');
  const result = await runScaleDemo({
    load,
    deploy: !values['no-deploy'],
    onLine: (l) => console.log(l),
    onSample: (s) => console.log(sampleLine(s)),
  });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(out, 'timeline.svg'), timelineSvg(result));
  writeFileSync(join(out, 'report.md'), reportMarkdown(result, 'timeline.svg'));
  console.log(`\n${summary(result).join('\n')}\nreport: ${join(out, 'report.md')}`);
  const ok =
    result.maxWebtoonReplicas > result.hpa.min &&
    result.scaledInAtS !== undefined &&
    result.othersChanged.length === 0;
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`demo:scale:cluster: ${err.message}`);
    process.exit(1);
  },
);
