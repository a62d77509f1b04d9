import { bootstrap } from '@lib/platform';
import { AppModule } from './app.module';
import { gatewayConfigSchema } from './config';

void bootstrap({ name: 'gateway', module: AppModule, configSchema: gatewayConfigSchema });
