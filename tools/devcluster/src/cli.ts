import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterError, COMPONENTS, down, podsRssMb, status, up } from './cluster';
import { loadConfig } from './config';
import { deployPlatform } from './deploy';
import { formatTable } from '@tools/devstack';

const USAGE = `usage: cluster <command>
  up              build what is missing, start (or confirm) the single-node cluster
                  and write .devcluster/cluster.env (needs root)
  deploy          build (or reuse) the images, load them, apply k8s/overlays/local and wait
                  for every rollout; writes GATEWAY_URL to .devcluster/cluster.env
  down [--wipe]   stop what up started and clean the host; --wipe also deletes .devcluster/
  status          table of components, pids, state and memory
  logs [name]     follow the logs (${COMPONENTS.map((d) => d.name).join(', ')})`;

async function printStatus(): Promise<void> {
  const rows = await status();
  const table = [
    ['COMPONENT', 'STATE', 'PID', 'RSS', 'DETAIL'],
    ...rows.map((r) => [
      r.name,
      r.state,
      r.pid ? String(r.pid) : '-',
      r.rssMb !== undefined ? `${r.rssMb} MB` : '-',
      r.detail,
    ]),
  ];
  console.log(formatTable(table));
  const pods = podsRssMb();
  const total = rows.reduce((sum, r) => sum + (r.rssMb ?? 0), 0) + pods;
  console.log(
    `\npods (containerd shims) ${pods} MB · total RSS ${total} MB · logs in ${loadConfig().logsDir}/`,
  );
}

function followLogs(name?: string): Promise<number> {
  const cfg = loadConfig();
  const names = name ? [name] : COMPONENTS.map((d) => d.name);
  const files = names.map((n) => join(cfg.logsDir, `${n}.log`)).filter((f) => existsSync(f));
  if (files.length === 0) throw new ClusterError('no logs yet: run npm run cluster:up');
  return new Promise((resolve) => {
    const child = spawn('tail', ['-n', '50', '-F', ...files], { stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 0));
  });
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up':
      await up();
      return 0;
    case 'deploy': {
      const env = await deployPlatform();
      console.log(`gateway: ${env.GATEWAY_URL}`);
      return 0;
    }
    case 'down':
      await down({ wipe: rest.includes('--wipe') });
      return 0;
    case 'status':
      await printStatus();
      return 0;
    case 'logs':
      return followLogs(rest[0]);
    default:
      console.error(USAGE);
      return cmd === undefined || cmd === 'help' || cmd === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err instanceof ClusterError ? err.message : err);
    process.exit(1);
  },
);
