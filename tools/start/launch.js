// `npm start` entry point, in plain JavaScript because it runs before dependencies exist:
// install them on a fresh clone (or after the lockfile changed), then hand over to start.ts.
const { spawnSync, spawn } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const installedLock = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

if (!existsSync(installedLock) || statSync(lock).mtimeMs > statSync(installedLock).mtimeMs) {
  console.log('› installing dependencies (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const child = spawn(
  join(root, 'node_modules', '.bin', 'tsx'),
  [join(__dirname, 'start.ts'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
// start.ts handles Ctrl-C itself (it is in the same process group); just mirror its exit.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
