import { composeDown, composeUp } from './compose';
import { ImageError, Progress } from './run';

const USAGE = `usage: npm run compose:up -- [--official] [--no-build] [--scale <service>=<n>]…
       npm run compose:down -- [-v] [--official]
  up    builds what is missing (local base, infrastructure stand-ins; the apps from cache),
        starts the platform with docker-compose.yml + docker-compose.local.yml and waits until
        every container is healthy; --official uses the official images (needs a registry)
  down  stops and removes the containers and network; -v also the volumes (all data)
  --env-file <file> instead of .env; host ports: GATEWAY_HOST_PORT, PROMETHEUS_HOST_PORT,
  GRAFANA_HOST_PORT, CONSUL_HOST_PORT; project name: COMPOSE_PROJECT_NAME`;

async function main([cmd, ...argv]: string[]): Promise<number> {
  const progress = new Progress();
  const at = argv.indexOf('--env-file');
  const opts = {
    official: argv.includes('--official'),
    envFile: at >= 0 ? argv[at + 1] : undefined,
    project: process.env.COMPOSE_PROJECT_NAME,
  };
  if (cmd === 'up') {
    const scale: Record<string, number> = {};
    argv.forEach((a, i) => {
      if (a === '--scale') {
        const [service, n] = (argv[i + 1] ?? '').split('=');
        scale[service] = Number(n);
      }
    });
    const list = await composeUp({ ...opts, build: !argv.includes('--no-build'), scale }, progress);
    console.log(`\n${list.length} containers healthy in ${progress.since()}`);
    for (const c of list.sort((a, b) => a.service.localeCompare(b.service)))
      console.log(`  ${c.service.padEnd(11)} ${c.name}`);
    console.log(`\ngateway: http://127.0.0.1:${process.env.GATEWAY_HOST_PORT ?? 8080}`);
    return 0;
  }
  if (cmd === 'down') {
    await composeDown({ ...opts, volumes: argv.includes('-v') }, progress);
    return 0;
  }
  console.error(USAGE);
  return cmd === '--help' || cmd === 'help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err instanceof ImageError ? `compose: ${err.message}` : err);
    process.exit(1);
  },
);
