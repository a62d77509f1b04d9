// Test helpers for apps built on the platform (import from '@lib/platform/testing', in tests
// only): an app's API in-process, polling with a deadline, a JWKS endpoint for tokens, a Kafka peer
// and the cleanup of its topics, event envelopes, and database URLs.
export * from './jwks-server';
export * from './kafka-probe';
export * from './kafka-topics';
export * from './test-envelope';
export { TestTokenIssuer } from './test-token-issuer';
export * from './api-test-app';
export * from './wait';
export * from './database-url';
export * from './service-test-app';
export * from './domain-error-of';
