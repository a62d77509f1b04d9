/**
 * `npm run seed`: migrates the webtoon database and loads the demo catalogue, without
 * starting the service. The outbox rows it writes are published by the next running relay.
 * Reads WEBTOON_DATABASE_URL from env, else from .devstack/stack.env (run from the repo root).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EventsModuleOptions } from '@lib/platform/events';
import { migrateWithLock, OutboxPublisher } from '@lib/platform/postgres';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { EpisodesRepository } from '../episodes/episodes.repository';
import { WEBTOON_MIGRATIONS } from '../migrations';
import { SeriesRepository } from '../series/series.repository';
import { seedCatalogue } from './seeder';

const seedConfigSchema = z.object({ WEBTOON_DATABASE_URL: z.url() });

function stackEnv(): Record<string, string> {
  const file = resolve(process.cwd(), '.devstack/stack.env');
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1], match[2].replace(/^"(.*)"$/, '$1')]),
  );
}

async function main(): Promise<void> {
  const parsed = seedConfigSchema.safeParse({ ...stackEnv(), ...process.env });
  if (!parsed.success) throw new Error('WEBTOON_DATABASE_URL must be set to a PostgreSQL URL');
  const config = parsed.data;
  const dataSource = await new DataSource({
    type: 'postgres',
    url: config.WEBTOON_DATABASE_URL,
    migrations: WEBTOON_MIGRATIONS,
  }).initialize();
  try {
    await migrateWithLock(dataSource);
    // Only `source` matters for writing outbox rows; no Kafka connection is made here.
    const outbox = new OutboxPublisher({ source: 'webtoon' } as EventsModuleOptions);
    const added = await dataSource.transaction((tx) =>
      seedCatalogue(tx, new SeriesRepository(), new EpisodesRepository(), outbox),
    );
    process.stdout.write(
      `webtoon seed: ${added.series} series and ${added.episodes} episodes added\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `webtoon seed failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
