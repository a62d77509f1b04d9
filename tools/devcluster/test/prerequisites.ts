import { spawnSync } from 'node:child_process';
import { missingPrerequisites } from '../src/host';

/**
 * Why the cluster tests cannot run on this machine (root, the Linux packages, a Docker engine
 * for loadImages), or undefined. With CI=true they must run: the suites fail with this line.
 */
export function clusterTestsBlocked(): string | undefined {
  const missing = missingPrerequisites(process.getuid?.() === 0);
  if (missing) return missing;
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0)
    return 'the cluster tests cannot run here: no Docker engine answers `docker info`';
  return undefined;
}
