/** The apps as `npm start` runs them: default ports from docs/architecture.md, overridable by env. */
export interface AppSpec {
  name: string;
  port: number;
  /** Health, metrics and OpenAPI (and the gateway's /gateway/upstreams): ADMIN_PORT. */
  adminPort: number;
  /** Dev-only settings the app needs beyond the dev stack's addresses. */
  env: Record<string, string>;
}

/**
 * How every app's Node.js runs, here and in the image (the Dockerfile sets the same): V8's young
 * generation capped at 2 MB per semi-space (by default it grows to 16 MB during start-up and
 * keeps it, about 25 MB of RSS per idle app), and glibc handing blocks of 128 KiB and more back
 * to the system when they are freed (auth's argon2 hashes take 19 MiB each, which glibc would
 * otherwise keep). docs/performance.md has the measurements.
 */
export const APP_NODE_FLAGS = ['--max-semi-space-size=2'];

/**
 * The gateway alone gets 8 MB semi-spaces (compose and k8s set the same through NODE_OPTIONS):
 * at thousands of requests a second its young generation fills in milliseconds, and with 2 MB
 * the scavenges cost it 11–23 µs of CPU per proxied request, 10–15 % of the whole (three runs of
 * `npm run bench:gateway:cpu`, docs/performance.md); the other apps serve far fewer requests.
 */
export function appNodeFlags(name: string): string[] {
  return name === 'gateway' ? ['--max-semi-space-size=8'] : APP_NODE_FLAGS;
}
export const APP_RUNTIME_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

type PortOf = (name: string, fallback: number) => number;

const envPort: PortOf = (name, fallback) =>
  Number(process.env[`${name.toUpperCase()}_PORT`] ?? fallback);

/**
 * The apps in start order: auth first because the others fetch its JWKS, the gateway last.
 * `portOf` lets a second copy of the platform (the end-to-end tests) run beside `npm start`.
 */
export function appSpecs(portOf: PortOf = envPort): AppSpec[] {
  const authPort = portOf('auth', 3001);
  const spec = (name: string, port: number, env: Record<string, string>): AppSpec => ({
    name,
    port,
    adminPort: portOf(`${name}_admin`, port + 1000),
    env,
  });
  // Where token-verifying apps fetch auth's public keys (issuer and audience keep their defaults).
  const tokenEnv = { JWKS_URL: `http://127.0.0.1:${authPort}/api/auth/.well-known/jwks.json` };
  return [
    spec('auth', authPort, { ...tokenEnv }),
    spec('webtoon', portOf('webtoon', 3002), { ...tokenEnv, SEED_DATA: 'true' }),
    spec('payment', portOf('payment', 3003), { ...tokenEnv }),
    spec('news', portOf('news', 3004), { ...tokenEnv }),
    spec('blog', portOf('blog', 3005), { ...tokenEnv }),
    // The front-end, served at / through the gateway (docs/web.md).
    spec('web', portOf('web', 3006), {}),
    spec('gateway', portOf('gateway', 8080), { ...tokenEnv }),
  ];
}

export const APPS = appSpecs();
