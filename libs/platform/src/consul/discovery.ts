// Entry point `@lib/platform/discovery`: watching Consul for the instances of other services
// (the gateway). Apart, because its HTTP client (undici) is worth loading only where it is used.
export * from './consul-watcher';
