import { formatTable } from '@tools/devstack';
import { ensureBaseImage } from './base';
import {
  buildAppImages,
  buildInfraImages,
  buildLoadImage,
  defaultTag,
  INFRA_NAMES,
  type BuiltImage,
} from './build';
import { requireEngine } from './engine';
import { ImageError, Progress } from './run';
import { APPS, IMAGE_BUDGET_MB, type AppName, type InfraName } from './versions';

const USAGE = `usage: npm run images:build -- [app…] [--tag <tag>] [--infra] [--base-only] [--official-base]
  app…             gateway auth webtoon payment news blog (default: all six)
  --tag <tag>      image tag (default: the commit's short sha, -dirty if the tree has changes);
                   every image is also tagged :dev
  --infra          also the local infrastructure images (kafka consul postgres ferretdb prometheus)
  --infra-only     only those
  --load           also the load generator's image (microservices-platform/load)
  --base-only      only the local Node.js base image
  --official-base  build on the official node image (needs a registry) instead of the local base`;

function table(rows: BuiltImage[]): void {
  const lines = [
    ['IMAGE', 'SIZE', 'BUDGET', 'BUILD'],
    ...rows.map((r) => {
      const budget = IMAGE_BUDGET_MB[r.name as AppName | InfraName | 'load'];
      return [
        r.refs[0],
        `${r.sizeMb} MB`,
        `${budget} MB${r.sizeMb > budget ? ' (over!)' : ''}`,
        `${r.seconds.toFixed(0)} s`,
      ];
    }),
  ];
  console.log(formatTable(lines));
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const flag = (name: string) => argv.includes(name);
  const tagAt = argv.indexOf('--tag');
  const tag = tagAt >= 0 ? argv[tagAt + 1] : defaultTag();
  const names = argv.filter((a, i) => !a.startsWith('--') && (tagAt < 0 || i !== tagAt + 1));
  const unknown = names.filter((n) => !(APPS as readonly string[]).includes(n));
  if (unknown.length > 0 || (tagAt >= 0 && !tag)) {
    console.error(unknown.length > 0 ? `unknown app: ${unknown.join(', ')}\n${USAGE}` : USAGE);
    return 2;
  }
  const progress = new Progress();
  progress.line('engine', `Docker ${await requireEngine()}`);
  const officialBase = flag('--official-base');
  const base = officialBase ? undefined : await ensureBaseImage(progress);
  if (flag('--base-only')) return 0;
  const built: BuiltImage[] = [];
  if (!flag('--infra-only')) {
    const apps = names.length > 0 ? (names as AppName[]) : APPS;
    built.push(...(await buildAppImages(apps, tag, base, progress)));
  }
  if (flag('--infra') || flag('--infra-only')) {
    if (!base) throw new ImageError('--infra builds on the local base: drop --official-base');
    built.push(...(await buildInfraImages(INFRA_NAMES, base, progress)));
  }
  if (flag('--load')) {
    if (!base) throw new ImageError('--load builds on the local base: drop --official-base');
    built.push(await buildLoadImage(tag, base, progress));
  }
  console.log(`\nbuilt in ${progress.since()}`);
  table(built);
  return built.some((b) => b.sizeMb > IMAGE_BUDGET_MB[b.name as AppName | InfraName | 'load'])
    ? 1
    : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err instanceof ImageError ? `images: ${err.message}` : err);
    process.exit(1);
  },
);
