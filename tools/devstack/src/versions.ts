/**
 * Every pinned version of the dev stack, in one place. Changing one here is all it
 * takes: artifacts are cached by version, so a new one is fetched or built on the next `up`.
 */
export const KAFKA_VERSION = process.env.DEVSTACK_KAFKA_VERSION ?? '3.9.1';
export const CONSUL_VERSION = '1.22.6';
export const FERRETDB_VERSION = '1.24.2';
/** Prometheus 3.x is published on the Go module proxy as v0.3XX.Y (= 3.XX.Y). */
export const PROMETHEUS_VERSION = '3.16.0';
export const PROMETHEUS_MODULE_VERSION = 'v0.316.0';

/** Logging backends Kafka's POM leaves out (3.x logs through log4j 1 via reload4j, 4.x through log4j2). */
export const KAFKA_LOGGING = {
  3: [
    { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' },
    { groupId: 'ch.qos.reload4j', artifactId: 'reload4j', version: '1.2.25' },
  ],
  4: [
    { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: '2.24.3' },
    { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core', version: '2.24.3' },
  ],
} as const;

export const MAVEN_DEPENDENCY_PLUGIN_VERSION = '3.8.1';
