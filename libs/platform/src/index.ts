// Entry point `@lib/platform`: what every app uses (HTTP, config, logs, health, metrics,
// registration, auth). The rest has its own entry point, so an app loads only the clients it
// uses: `@lib/platform/events` (Kafka), `/postgres` (TypeORM), `/mongo` (the MongoDB driver),
// `/discovery` (watching Consul); test helpers are in `@lib/platform/testing`.
export * from './bootstrap/bootstrap';
export * from './bootstrap/platform.module';
export * from './bootstrap/tokens';
export * from './config/config';
export * from './consul/consul-registration';
export * from './consul/service-instance';
export * from './context/request-context';
export * from './errors/domain-error';
export * from './errors/error-response';
export * from './health/health.registry';
export * from './http/id-param';
export * from './http/idempotency-key';
export * from './http/openapi';
export * from './http/page-query.dto';
export * from './http/prefer-wait';
export * from './http/validation';
export * from './logging/logger';
export * from './metrics/metrics.service';
export * from './auth';
export * from './tasks/periodic-task';
