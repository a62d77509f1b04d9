import { readStackEnv as readEnvFile, type StackEnv } from './env';
import { up } from './stack';

export type { StackEnv } from './env';
export { down, status, up } from './stack';
export { loadConfig } from './config';
/** The Prometheus config the stack generates, for the monitoring checks. */
export { prometheusYaml } from './components/prometheus';
// process records, locks and progress lines, shared with tools/devcluster
export * as proc from './proc';
export { formatTable, Progress, seconds } from './progress';

/**
 * Brings the dev stack up unless it is already running and healthy (then this takes
 * about a second), and returns its settings. For jest globalSetup and scripts.
 */
export function ensureStack(opts: { quiet?: boolean } = {}): Promise<StackEnv> {
  return up(opts);
}

/** The settings of the last successful `up`, from .devstack/stack.env. */
export function readStackEnv(): StackEnv {
  return readEnvFile();
}

export * from './versions';
export { ensureArtifacts, type Artifacts } from './artifacts';
