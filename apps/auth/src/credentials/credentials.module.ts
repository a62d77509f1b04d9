import { Module } from '@nestjs/common';
import { APP_CONFIG } from '@lib/platform';
import type { AppConfig } from '../config';
import { PasswordHasher } from './password-hasher';

@Module({
  providers: [
    {
      provide: PasswordHasher,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const hasher = new PasswordHasher({
          memoryKiB: config.ARGON2_MEMORY_KIB,
          timeCost: config.ARGON2_TIME_COST,
          parallelism: config.ARGON2_PARALLELISM,
        });
        await hasher.warmUp();
        return hasher;
      },
    },
  ],
  exports: [PasswordHasher],
})
export class CredentialsModule {}
