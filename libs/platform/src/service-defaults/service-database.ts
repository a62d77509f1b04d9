import type { DynamicModule, InjectionToken } from '@nestjs/common';
import type { EventStore } from '../events/events.options';

/**
 * A service's own database as the service defaults wire it: the module that connects it, and
 * how the event bus keeps its outbox there. Made by `postgresDatabase` (`@lib/platform/postgres`)
 * or `mongoDatabase` (`@lib/platform/mongo`), so only the driver a service uses is loaded.
 */
export interface ServiceDatabase {
  module: DynamicModule;
  eventStore: {
    inject: InjectionToken[];
    useFactory: (...deps: never[]) => EventStore;
  };
}
