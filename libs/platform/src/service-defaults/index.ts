// Entry point `@lib/platform/service-defaults`: what a service behind the gateway wires the
// same way (database, event bus, auth guard) and the config schema it extends. The database
// comes from `@lib/platform/postgres` or `@lib/platform/mongo`.
export * from './service-config';
export * from './service-database';
export * from './service-defaults.module';
