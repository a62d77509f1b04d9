import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatTable } from './progress';
import { down, logFiles, status, StackError, up } from './stack';

const USAGE = `usage: stack <command>
  up [component…]    start (or confirm) every component (or only those named)
                     and write .devstack/stack.env
  down [--wipe]      stop what up started; --wipe also deletes .devstack/ (data, logs)
  status             table of components, pids, ports, health and memory
  logs [component]   follow the logs (postgres, kafka, consul, ferretdb, prometheus)`;

async function printStatus(): Promise<void> {
  const rows = await status();
  const table = [
    ['COMPONENT', 'STATE', 'PID', 'PORTS', 'RSS', 'DETAIL'],
    ...rows.map((r) => [
      r.name,
      r.state,
      r.pid ? String(r.pid) : '-',
      r.ports,
      r.rssMb !== undefined ? `${r.rssMb} MB` : '-',
      r.detail,
    ]),
  ];
  console.log(formatTable(table));
  const total = rows.reduce((sum, r) => sum + (r.rssMb ?? 0), 0);
  console.log(`\ntotal RSS ${total} MB · logs in ${dirname(rows[0].log)}/`);
}

function followLogs(component?: string): Promise<number> {
  const files = logFiles(component).filter((f) => existsSync(f));
  if (files.length === 0) throw new StackError('no logs yet: run npm run stack:up');
  return new Promise((resolve) => {
    const child = spawn('tail', ['-n', '50', '-F', ...files], { stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 0));
  });
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up':
      await up({ only: rest });
      return 0;
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
    console.error(err instanceof StackError ? err.message : err);
    process.exit(1);
  },
);
