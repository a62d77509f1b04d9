import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, HealthRegistry } from '@lib/platform';
import { ConsulWatcher } from '@lib/platform/discovery';
import type { AppConfig } from '../config';
import { AuthClient } from './auth-client';
import { SessionController } from './session.controller';
import { SessionService } from './session.service';

/** Follows auth's passing instances in Consul for the session endpoints. */
@Injectable()
export class AuthInstancesWatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuthInstances');
  private readonly watcher: ConsulWatcher;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(AuthClient) client: AuthClient,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {
    this.watcher = new ConsulWatcher({
      consulUrl: config.CONSUL_URL,
      services: ['auth'],
      onChange: (_service, instances) => client.setInstances(instances),
      onError: (service, error) =>
        this.logger.warn({ msg: 'Consul watch failed', service, err: error }),
    });
  }

  onModuleInit(): void {
    this.watcher.start();
    this.health.register('consul', async () => {
      if (!this.watcher.ready) throw new Error("auth's instances not read from Consul yet");
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.watcher.stop();
  }
}

@Module({
  controllers: [SessionController],
  providers: [
    {
      provide: AuthClient,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new AuthClient(config.WEB_AUTH_TIMEOUT_MS),
    },
    SessionService,
    AuthInstancesWatcher,
  ],
})
export class SessionModule {}
