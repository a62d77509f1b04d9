import { Module } from '@nestjs/common';
import { APP_CONFIG } from '@lib/platform';
import type { AppConfig } from '../config';
import { KeysController } from './keys.controller';
import { KeyStore } from './key-store';

@Module({
  controllers: [KeysController],
  providers: [
    {
      provide: KeyStore,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => KeyStore.load(config),
    },
  ],
  exports: [KeyStore],
})
export class KeysModule {}
