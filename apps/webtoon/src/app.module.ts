import { Module } from '@nestjs/common';
import { APP_CONFIG, AuthModule, authOptionsFromConfig } from '@lib/platform';
import { EventsModule, topicSettingsFromConfig } from '@lib/platform/events';
import { PostgresModule } from '@lib/platform/postgres';
import { DataSource } from 'typeorm';
import { CacheHitHook } from './common/cache-hit.hook';
import type { AppConfig } from './config';
import { AccountsModule } from './accounts/accounts.module';
import { EpisodesModule } from './episodes/episodes.module';
import { WEBTOON_MIGRATIONS } from './migrations';
import { PurchasesModule } from './purchases/purchases.module';
import { Seeder } from './seed/seeder';
import { SeriesModule } from './series/series.module';
import { ViewsModule } from './views/views.module';

@Module({
  imports: [
    PostgresModule.forRoot<AppConfig>({
      url: (config) => config.WEBTOON_DATABASE_URL,
      entities: [],
      migrations: WEBTOON_MIGRATIONS,
    }),
    EventsModule.forRootAsync({
      inject: [APP_CONFIG, DataSource],
      useFactory: (config: AppConfig, dataSource: DataSource) => ({
        source: 'webtoon',
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
    SeriesModule,
    ViewsModule,
    EpisodesModule,
    PurchasesModule,
    AccountsModule,
  ],
  providers: [Seeder, CacheHitHook],
})
export class AppModule {}
