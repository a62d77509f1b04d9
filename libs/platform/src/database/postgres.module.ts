import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import { APP_CONFIG } from '../config/config';
import { HealthRegistry } from '../health/health.registry';
import type { ServiceDatabase } from '../service-defaults/service-database';

export interface PostgresModuleOptions<C> {
  /** The connection URL, with this service's own role, read from the app's config. */
  url: (config: C) => string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  entities: MixedList<string | Function | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  migrations: MixedList<string | Function>;
  poolSize?: number;
}

// Any stable number: instances of one service share it, so only one migrates at a time.
const MIGRATION_LOCK_ID = 72_317_001;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so several instances starting
 * together do not race; the schema is never synchronised from entities.
 */
export async function migrateWithLock(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.release();
  }
}

@Injectable()
class PostgresHealth implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register('postgres', () => this.dataSource.query('SELECT 1'));
  }
}

/** A service's own PostgreSQL database through TypeORM, migrated at start, with a readiness check. */
@Module({})
export class PostgresModule {
  static forRoot<C>(options: PostgresModuleOptions<C>): DynamicModule {
    return {
      module: PostgresModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: C): DataSourceOptions => ({
            type: 'postgres',
            url: options.url(config),
            entities: options.entities,
            migrations: options.migrations,
            synchronize: false,
            migrationsRun: false,
            extra: { max: options.poolSize ?? 10 },
          }),
          dataSourceFactory: async (dataSourceOptions) => {
            if (!dataSourceOptions) throw new Error('PostgresModule: no data source options');
            const dataSource = await new DataSource(dataSourceOptions).initialize();
            await migrateWithLock(dataSource);
            return dataSource;
          },
        }),
      ],
      providers: [PostgresHealth],
    };
  }
}

/**
 * The service's PostgreSQL database for `ServiceDefaultsModule`: connected and migrated as
 * `PostgresModule.forRoot` does, with the event bus's outbox in it (its migrations must
 * include EVENTS_MIGRATIONS).
 */
export function postgresDatabase<C>(
  options: Omit<PostgresModuleOptions<C>, 'entities'> & Partial<PostgresModuleOptions<C>>,
): ServiceDatabase {
  return {
    module: PostgresModule.forRoot({ ...options, entities: options.entities ?? [] }),
    eventStore: {
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => ({ kind: 'postgres', dataSource }),
    },
  };
}
