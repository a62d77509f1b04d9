import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventBus } from './events.bus';
import {
  EVENTS_OPTIONS,
  type EventsModuleAsyncOptions,
  type EventsModuleOptions,
} from './events.options';
import { MongoOutbox } from './mongo/mongo-outbox';
import { OutboxSignal } from './outbox-signal';
import { OutboxPublisher } from './postgres/outbox-publisher';

/**
 * The event bus of one app: import once in the AppModule. Global, so any feature module can
 * inject `OutboxPublisher` (PostgreSQL apps) or `MongoOutbox` (MongoDB apps) and declare
 * `@OnEvent` handlers in its providers. Needs the platform's MetricsService and HealthRegistry.
 */
@Global()
@Module({})
export class EventsModule {
  static forRoot(options: EventsModuleOptions): DynamicModule {
    return EventsModule.build({ provide: EVENTS_OPTIONS, useValue: options });
  }

  static forRootAsync(options: EventsModuleAsyncOptions): DynamicModule {
    return EventsModule.build(
      { provide: EVENTS_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
      options.imports,
    );
  }

  private static build(
    optionsProvider: Provider,
    imports: DynamicModule['imports'] = [],
  ): DynamicModule {
    return {
      module: EventsModule,
      global: true,
      imports: [DiscoveryModule, ...imports],
      providers: [optionsProvider, OutboxSignal, OutboxPublisher, MongoOutbox, EventBus],
      exports: [OutboxPublisher, MongoOutbox],
    };
  }
}
