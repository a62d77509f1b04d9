import { Module } from '@nestjs/common';
import { postgresDatabase, PostgresDeletedAccountsModule } from '@lib/platform/postgres';
import { ServiceDefaultsModule } from '@lib/platform/service-defaults';
import type { AppConfig } from './config';
import { PaymentEventsModule } from './events/payment-events.module';
import { PAYMENT_MIGRATIONS } from './migrations';
import { PurchasesModule } from './purchases/purchases.module';
import { TopUpsModule } from './top-ups/top-ups.module';
import { WalletsModule } from './wallets/wallets.module';

@Module({
  imports: [
    ServiceDefaultsModule.forRoot({
      database: postgresDatabase<AppConfig>({
        url: (config) => config.PAYMENT_DATABASE_URL,
        migrations: PAYMENT_MIGRATIONS,
      }),
    }),
    PostgresDeletedAccountsModule,
    WalletsModule,
    TopUpsModule,
    PurchasesModule,
    PaymentEventsModule,
  ],
})
export class AppModule {}
