import { Module } from '@nestjs/common';
import { APP_CONFIG } from '@lib/platform';
import { postgresDatabase } from '@lib/platform/postgres';
import { ServiceDefaultsModule } from '@lib/platform/service-defaults';
import type { AppConfig } from './config';
import { KeysModule } from './keys/keys.module';
import { KeyStore } from './keys/key-store';
import { AUTH_MIGRATIONS } from './migrations';
import { RefreshToken } from './sessions/refresh-token.entity';
import { SessionsModule } from './sessions/sessions.module';
import { User } from './users/user.entity';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    ServiceDefaultsModule.forRoot({
      database: postgresDatabase<AppConfig>({
        url: (config) => config.AUTH_DATABASE_URL,
        entities: [User, RefreshToken],
        migrations: AUTH_MIGRATIONS,
      }),
      // auth only produces; it has no handlers to consume for.
      events: { consume: false },
      // auth verifies its own tokens with the keys it holds, not over HTTP from itself.
      auth: {
        imports: [KeysModule],
        inject: [KeyStore, APP_CONFIG],
        useFactory: (keys: KeyStore, config: AppConfig) => ({
          keys: keys.verificationKeys,
          issuer: config.JWT_ISSUER,
          audience: config.JWT_AUDIENCE,
        }),
      },
    }),
    KeysModule,
    UsersModule,
    SessionsModule,
  ],
})
export class AppModule {}
