import { parseCommand, UsageError, USAGE } from './args';
import { affected, deploy, record, rollback, selectedApps, wait } from './deploy';
import { build, push } from './images';
import { loadGate } from './load-gate';
import { smoke } from './smoke';

async function main(argv: string[]): Promise<void> {
  const cmd = parseCommand(argv);
  switch (cmd.name) {
    case 'affected':
      return affected(cmd.overlay, cmd.base);
    case 'build':
      return build(selectedApps(cmd.apps), cmd.tag);
    case 'push':
      return push(selectedApps(cmd.apps), cmd.registry, cmd.tag);
    case 'deploy':
      return deploy(cmd);
    case 'wait':
      return wait(cmd.overlay, cmd.timeoutS);
    case 'smoke':
      return smoke(cmd.url, cmd.withinS);
    case 'load-gate':
      return loadGate(cmd.url, cmd.gate);
    case 'rollback':
      return rollback(cmd.overlay, cmd.timeoutS);
    case 'record':
      return record(cmd.overlay);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: Error) => {
    if (err instanceof UsageError) {
      console.error(`ci: ${err.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`ci:${process.argv[2] ?? ''} failed: ${err.message}`);
    process.exit(1);
  },
);
