import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Db, MongoClient } from 'mongodb';
import { APP_CONFIG } from '../config/config';
import { HealthRegistry } from '../health/health.registry';
import type { ServiceDatabase } from '../service-defaults/service-database';

export const MONGO_CLIENT = Symbol('MONGO_CLIENT');
export const MONGO_DB = Symbol('MONGO_DB');

export interface MongoModuleOptions<C> {
  /** The connection URL with this service's database (and credentials) in it. */
  url: (config: C) => string;
  /** Connections per instance, as PostgresModule's pool (default 10; the driver's own is 100). */
  poolSize?: number;
}

class MongoLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(MONGO_CLIENT) private readonly client: MongoClient,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register('mongodb', () => this.db.command({ ping: 1 }));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

/** A service's own MongoDB database through the official driver, with a readiness check. */
@Module({})
export class MongoModule {
  static forRoot<C>(options: MongoModuleOptions<C>): DynamicModule {
    return {
      module: MongoModule,
      global: true,
      providers: [
        {
          provide: MONGO_CLIENT,
          inject: [APP_CONFIG],
          useFactory: async (config: C) => {
            const client = new MongoClient(options.url(config), {
              serverSelectionTimeoutMS: 5000,
              maxPoolSize: options.poolSize ?? 10,
              appName: 'microservices-platform',
            });
            return client.connect();
          },
        },
        {
          provide: MONGO_DB,
          inject: [MONGO_CLIENT],
          // The database named in the URL's path is this service's own.
          useFactory: (client: MongoClient) => client.db(),
        },
        MongoLifecycle,
      ],
      exports: [MONGO_CLIENT, MONGO_DB],
    };
  }
}

/**
 * The service's MongoDB database for `ServiceDefaultsModule`. The event bus keeps pending
 * events in the documents of `outboxCollections` (`_outbox`) and its relay scans those.
 */
export function mongoDatabase<C>(
  options: MongoModuleOptions<C> & { outboxCollections: string[] },
): ServiceDatabase {
  return {
    module: MongoModule.forRoot(options),
    eventStore: {
      inject: [MONGO_DB],
      useFactory: (db: Db) => ({ kind: 'mongo', db, collections: options.outboxCollections }),
    },
  };
}
