import { Module } from '@nestjs/common';
import { ProxyModule } from './proxy/proxy.module';
import { ROUTES } from './routing/route-table';

@Module({ imports: [ProxyModule.forRoutes(ROUTES)] })
export class AppModule {}
