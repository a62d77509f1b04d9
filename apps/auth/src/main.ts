import { bootstrap } from '@lib/platform';
import { AppModule } from './app.module';
import { authConfigSchema } from './config';

void bootstrap({ name: 'auth', module: AppModule, configSchema: authConfigSchema });
