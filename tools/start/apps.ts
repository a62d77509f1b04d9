/** The six apps as `npm start` runs them: default ports from docs/architecture.md, overridable by env. */
export interface AppSpec {
  name: string;
  port: number;
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
  // Where token-verifying apps fetch auth's public keys (issuer and audience keep their defaults).
  const tokenEnv = { JWKS_URL: `http://127.0.0.1:${authPort}/api/auth/.well-known/jwks.json` };
  return [
    { name: 'auth', port: authPort, env: { ...tokenEnv } },
    { name: 'webtoon', port: portOf('webtoon', 3002), env: { ...tokenEnv, SEED_DATA: 'true' } },
    { name: 'payment', port: portOf('payment', 3003), env: { ...tokenEnv } },
    { name: 'news', port: portOf('news', 3004), env: { ...tokenEnv } },
    { name: 'blog', port: portOf('blog', 3005), env: { ...tokenEnv } },
    { name: 'gateway', port: portOf('gateway', 8080), env: { ...tokenEnv } },
  ];
}

export const APPS = appSpecs();
