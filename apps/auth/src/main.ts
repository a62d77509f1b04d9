import { bootstrap } from '@lib/platform';
import { AppModule } from './app.module';
import { configSchema } from './config';

void bootstrap({ name: 'auth', module: AppModule, configSchema: configSchema });
