import { bootstrap } from '@lib/platform';
import { AppModule } from './app.module';
import { GATEWAY_APP } from './config';

void bootstrap({ ...GATEWAY_APP, module: AppModule });
