/** The apps as `npm start` runs them: default ports from docs/architecture.md, overridable by env. */
export interface AppSpec {
  name: string;
  port: number;
  /** Dev-only settings the app needs beyond the dev stack's addresses. */
  env: Record<string, string>;
}

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
    // The front-end, served at / through the gateway (docs/web.md).
    { name: 'web', port: portOf('web', 3006), env: {} },
    { name: 'gateway', port: portOf('gateway', 8080), env: { ...tokenEnv } },
  ];
}

export const APPS = appSpecs();
