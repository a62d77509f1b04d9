/** The six apps as `npm start` runs them: default ports from design.md, overridable by env. */
export interface AppSpec {
  name: string;
  port: number;
  /** Dev-only settings the app needs beyond the dev stack's addresses. */
  env: Record<string, string>;
}

const port = (name: string, fallback: number): number =>
  Number(process.env[`${name.toUpperCase()}_PORT`] ?? fallback);

const authPort = port('auth', 3001);

/** Where token-verifying apps fetch auth's public keys (issuer and audience keep their defaults). */
const tokenEnv = {
  JWKS_URL: `http://127.0.0.1:${authPort}/api/auth/.well-known/jwks.json`,
};

// Started in this order: auth first because the others fetch its JWKS; the gateway last.
export const APPS: AppSpec[] = [
  { name: 'auth', port: authPort, env: { ...tokenEnv } },
  { name: 'webtoon', port: port('webtoon', 3002), env: { ...tokenEnv, SEED_DATA: 'true' } },
  { name: 'payment', port: port('payment', 3003), env: { ...tokenEnv } },
  { name: 'news', port: port('news', 3004), env: { ...tokenEnv } },
  { name: 'blog', port: port('blog', 3005), env: { ...tokenEnv } },
  { name: 'gateway', port: port('gateway', 8080), env: { ...tokenEnv } },
];
