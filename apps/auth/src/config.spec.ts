import { loadConfig } from '@lib/platform';
import { configSchema } from './config';

describe('configSchema', () => {
  const required = {
    AUTH_DATABASE_URL: 'postgres://auth:pw@127.0.0.1:5432/auth',
    KAFKA_BROKERS: '127.0.0.1:9092',
  };

  it('applies the documented defaults', () => {
    expect(loadConfig(configSchema, required)).toMatchObject({
      PORT: 3001,
      JWT_ISSUER: 'auth',
      JWT_AUDIENCE: 'platform',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      ARGON2_MEMORY_KIB: 19_456,
      ARGON2_TIME_COST: 2,
      ARGON2_PARALLELISM: 1,
      LOGIN_MAX_FAILURES_PER_ACCOUNT: 5,
      LOGIN_MAX_FAILURES_PER_IP: 50,
    });
  });

  it('treats empty admin and key settings as not set, as compose passes them', () => {
    const config = loadConfig(configSchema, {
      ...required,
      ADMIN_EMAIL: '',
      ADMIN_PASSWORD: '',
      AUTH_SIGNING_KEYS: '',
    });
    expect(config.ADMIN_EMAIL).toBeUndefined();
    expect(config.ADMIN_PASSWORD).toBeUndefined();
    expect(config.AUTH_SIGNING_KEYS).toBeUndefined();
  });

  it('names every invalid setting at once', () => {
    expect(() =>
      loadConfig(configSchema, {
        KAFKA_BROKERS: '127.0.0.1:9092',
        ADMIN_EMAIL: 'not-an-email',
        ACCESS_TOKEN_TTL_SECONDS: '86400',
      }),
    ).toThrow(/AUTH_DATABASE_URL[\s\S]*ACCESS_TOKEN_TTL_SECONDS[\s\S]*ADMIN_EMAIL/);
  });
});
