import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { adminServerOf, createPlatformApp, type PlatformAppOptions } from '../bootstrap/bootstrap';
import type { BaseConfig } from '../config/config';
import { JwksServer } from './jwks-server';
import { KafkaProbe } from './kafka-probe';
import { deleteTopicsWithPrefix } from './kafka-topics';

export interface ServiceTestAppOptions<C extends BaseConfig> extends Pick<
  PlatformAppOptions<C>,
  'name' | 'module' | 'configSchema'
> {
  /** Topics and consumer group of this run (KAFKA_TOPIC_PREFIX), apart from a running platform's. */
  topicPrefix: string;
  /** Settings beyond the dev stack's (process.env) and the JWKS endpoint's. */
  env?: Record<string, string>;
  /** Topics the probe records from their beginning. */
  listen?: string[];
}

/** A service under an integration test, with the parts a test drives it through. */
export interface ServiceTestApp {
  app: NestFastifyApplication;
  /** Signs the tokens the service accepts. */
  jwks: JwksServer;
  /** Other services' side of Kafka, under the run's topic prefix. */
  probe: KafkaProbe;
  /** supertest on the public port. */
  http: () => ReturnType<typeof request>;
  /** supertest on the admin port (health, metrics, OpenAPI). */
  admin: () => ReturnType<typeof request>;
  /** Stops the probe, the app and the JWKS endpoint, then deletes the run's topics. */
  close: () => Promise<void>;
}

/**
 * A service on the dev stack (process.env) as its integration tests run it: in this process,
 * on a free port, not registered in Consul, its topics under `topicPrefix`, its tokens from a
 * JWKS endpoint of the test's own.
 */
export async function startServiceTestApp<C extends BaseConfig>(
  options: ServiceTestAppOptions<C>,
): Promise<ServiceTestApp> {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: the dev stack is not up');
  const jwks = await JwksServer.start();
  let app: NestFastifyApplication;
  try {
    app = await createPlatformApp({
      name: options.name,
      module: options.module,
      configSchema: options.configSchema,
      env: {
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'warn',
        CONSUL_REGISTER: 'false',
        KAFKA_TOPIC_PREFIX: options.topicPrefix,
        ...jwks.env,
        ...options.env,
      },
    });
  } catch (error) {
    await jwks.stop();
    throw error;
  }
  const probe = new KafkaProbe(brokers.split(','), options.topicPrefix);
  await probe.connect();
  if (options.listen?.length) await probe.listen(...options.listen);
  return {
    app,
    jwks,
    probe,
    http: () => request(app.getHttpServer()),
    admin: () => request(adminServerOf(app)),
    close: async () => {
      await probe.stop();
      await app.close();
      await jwks.stop();
      await deleteTopicsWithPrefix(brokers.split(','), options.topicPrefix);
    },
  };
}

/**
 * What Consul and Prometheus ask of a service, without a token: ready, with each of `checks`
 * as given, and metrics that include the event bus's outbox gauge.
 */
export async function expectHealthAndMetrics(
  service: ServiceTestApp,
  checks: Record<string, string>,
): Promise<void> {
  const ready = await service.admin().get('/health/ready');
  expect(ready.status).toBe(200);
  expect(ready.body).toMatchObject({ status: 'ok', checks });
  const metrics = await service.admin().get('/metrics');
  expect(metrics.status).toBe(200);
  expect(metrics.text).toContain('outbox_pending');
}
