import { bootstrap } from '@lib/platform';
import { AppModule } from './app.module';
import { gatewayConfigSchema } from './config';

void bootstrap({
  name: 'gateway',
  module: AppModule,
  configSchema: gatewayConfigSchema,
  // The proxy names the request id in what it logs and forwards; without the async context no
  // promise of the process pays for Node 20's promise hooks (about 8 % of CPU per request).
  requestContext: false,
});
