import { Module } from '@nestjs/common';
import { APP_CONFIG, AuthModule } from '@lib/platform';
import { EventsModule, topicSettingsFromConfig } from '@lib/platform/events';
import { PostgresModule } from '@lib/platform/postgres';
import { DataSource } from 'typeorm';
import type { AuthConfig } from './config';
import { KeysModule } from './keys/keys.module';
import { KeyStore } from './keys/key-store';
import { AUTH_MIGRATIONS } from './migrations';
import { RefreshToken } from './sessions/refresh-token.entity';
import { SessionsModule } from './sessions/sessions.module';
import { User } from './users/user.entity';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    PostgresModule.forRoot<AuthConfig>({
      url: (config) => config.AUTH_DATABASE_URL,
      entities: [User, RefreshToken],
      migrations: AUTH_MIGRATIONS,
    }),
    EventsModule.forRootAsync({
      inject: [APP_CONFIG, DataSource],
      useFactory: (config: AuthConfig, dataSource: DataSource) => ({
        source: 'auth',
        brokers: config.KAFKA_BROKERS,
        store: { kind: 'postgres', dataSource },
        topicPrefix: config.KAFKA_TOPIC_PREFIX,
        ...topicSettingsFromConfig(config),
        // auth only produces; it has no handlers to consume for.
        consume: false,
      }),
    }),
    // auth verifies its own tokens with the keys it holds, not over HTTP from itself. The guard
    // is global: every route needs a token unless it is marked @Public().
    AuthModule.forRootAsync({
      imports: [KeysModule],
      inject: [KeyStore, APP_CONFIG],
      useFactory: (keys: KeyStore, config: AuthConfig) => ({
        keys: keys.verificationKeys,
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
      }),
    }),
    KeysModule,
    UsersModule,
    SessionsModule,
  ],
})
export class AppModule {}
