import { Module } from '@nestjs/common';
import { APP_CONFIG, AuthModule, authOptionsFromConfig } from '@lib/platform';
import { EventsModule, topicSettingsFromConfig } from '@lib/platform/events';
import { PostgresModule } from '@lib/platform/postgres';
import { DataSource } from 'typeorm';
import type { AppConfig } from './config';
import { PAYMENT_MIGRATIONS } from './migrations';
import { PurchasesModule } from './purchases/purchases.module';
import { TopUpsModule } from './top-ups/top-ups.module';
import { WalletsModule } from './wallets/wallets.module';

@Module({
  imports: [
    PostgresModule.forRoot<AppConfig>({
      url: (config) => config.PAYMENT_DATABASE_URL,
      entities: [],
      migrations: PAYMENT_MIGRATIONS,
    }),
    EventsModule.forRootAsync({
      inject: [APP_CONFIG, DataSource],
      useFactory: (config: AppConfig, dataSource: DataSource) => ({
        source: 'payment',
        brokers: config.KAFKA_BROKERS,
        store: { kind: 'postgres', dataSource },
        topicPrefix: config.KAFKA_TOPIC_PREFIX,
        ...topicSettingsFromConfig(config),
      }),
    }),
    // The platform's global JWT guard: every route needs a token unless it is marked @Public().
    AuthModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => authOptionsFromConfig(config),
    }),
    WalletsModule,
    TopUpsModule,
    PurchasesModule,
  ],
})
export class AppModule {}
