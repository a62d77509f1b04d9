import { Module } from '@nestjs/common';
import { postgresDatabase } from '@lib/platform/postgres';
import { ServiceDefaultsModule } from '@lib/platform/service-defaults';
import { CacheHitHook } from './common/cache-hit.hook';
import type { AppConfig } from './config';
import { AccountsModule } from './accounts/accounts.module';
import { EpisodesModule } from './episodes/episodes.module';
import { WebtoonEventsModule } from './events/webtoon-events.module';
import { WEBTOON_MIGRATIONS } from './migrations';
import { PurchasesModule } from './purchases/purchases.module';
import { Seeder } from './seed/seeder';
import { SeriesModule } from './series/series.module';
import { ViewsModule } from './views/views.module';

@Module({
  imports: [
    ServiceDefaultsModule.forRoot({
      database: postgresDatabase<AppConfig>({
        url: (config) => config.WEBTOON_DATABASE_URL,
        migrations: WEBTOON_MIGRATIONS,
      }),
    }),
    AccountsModule,
    SeriesModule,
    ViewsModule,
    EpisodesModule,
    PurchasesModule,
    WebtoonEventsModule,
  ],
  providers: [Seeder, CacheHitHook],
})
export class AppModule {}
