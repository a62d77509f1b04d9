import type { ComponentName, Credentials, PortName, StackConfig } from '../config';
import type { Progress } from '../progress';

export interface Runtime {
  cfg: StackConfig;
  creds: Credentials;
  progress: Progress;
}

export interface LaunchSpec {
  exe: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Contents of the config files it reads, so a changed config also means a restart. */
  config?: string;
}

export interface Component {
  name: ComponentName;
  /** Ports it listens on (checked free before start, shown by `status`). */
  ports: PortName[];
  /** Fetches or builds its artifacts into the cache (no-op when cached). */
  install(rt: Runtime): Promise<void>;
  /** Prepares data and config (format, initdb, config files) and says what to run. */
  launch(rt: Runtime): Promise<LaunchSpec>;
  /** One real round trip; throws with the reason when not ready. */
  probe(rt: Runtime): Promise<void>;
  /** Idempotent setup once ready (databases, roles). */
  provision?(rt: Runtime): Promise<void>;
  stopSignal: NodeJS.Signals;
  stopGraceMs: number;
  readyTimeoutMs: number;
}
