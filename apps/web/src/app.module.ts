import { Module } from '@nestjs/common';
import { AssetsModule } from './assets/assets.module';
import { SessionModule } from './session/session.module';

@Module({ imports: [SessionModule, AssetsModule] })
export class AppModule {}
