import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, type AuthModuleAsyncOptions } from '../auth/auth.module';
import { authOptionsFromConfig } from '../auth/auth.options';
import { APP_NAME } from '../bootstrap/tokens';
import { APP_CONFIG } from '../config/config';
import { topicSettingsFromConfig } from '../events/events.config';
import { EventsModule } from '../events/events.module';
import type { EventsModuleOptions } from '../events/events.options';
import type { ServiceConfig } from './service-config';
import type { ServiceDatabase } from './service-database';

export interface ServiceDefaultsOptions {
  /** The service's own database: `postgresDatabase({…})` or `mongoDatabase({…})`. */
  database: ServiceDatabase;
  /** Event bus settings beyond the defaults, e.g. `{ consume: false }` for a pure producer. */
  events?: Pick<EventsModuleOptions, 'consume' | 'relay' | 'retry' | 'relayPollMs'>;
  /**
   * How tokens are verified. Default: against auth's JWKS (`JWKS_URL`, `JWT_ISSUER`,
   * `JWT_AUDIENCE`); auth itself passes its own keys.
   */
  auth?: AuthModuleAsyncOptions;
}

type EventsConfig = Pick<
  ServiceConfig,
  | 'KAFKA_BROKERS'
  | 'KAFKA_TOPIC_PREFIX'
  | 'KAFKA_TOPIC_REPLICATION_FACTOR'
  | 'KAFKA_TOPIC_MIN_INSYNC_REPLICAS'
>;

/**
 * What every service wires the same way, in one import (the role of .NET Aspire's
 * ServiceDefaults): its database, the event bus with its outbox in that database, and the
 * global JWT guard (every route needs a token unless marked @Public()). The app module then
 * lists only its features. Config, logs, health, metrics and registration come from
 * `bootstrap`, which every app, the gateway included, uses.
 */
@Module({})
export class ServiceDefaultsModule {
  static forRoot(options: ServiceDefaultsOptions): DynamicModule {
    const { database } = options;
    return {
      module: ServiceDefaultsModule,
      imports: [
        database.module,
        EventsModule.forRootAsync({
          inject: [APP_NAME, APP_CONFIG, ...database.eventStore.inject],
          useFactory: (name: string, config: EventsConfig, ...deps: never[]) => ({
            source: name,
            brokers: config.KAFKA_BROKERS,
            topicPrefix: config.KAFKA_TOPIC_PREFIX,
            ...topicSettingsFromConfig(config),
            store: database.eventStore.useFactory(...deps),
            ...options.events,
          }),
        }),
        AuthModule.forRootAsync(
          options.auth ?? {
            inject: [APP_CONFIG],
            useFactory: (config: ServiceConfig) => authOptionsFromConfig(config),
          },
        ),
      ],
    };
  }
}
