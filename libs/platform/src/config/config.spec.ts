import { z } from 'zod';
import { ConfigError, adminPortOf, baseConfigSchema, envBoolean, loadConfig } from './config';

const schema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  AUTH_DATABASE_URL: z.url(),
});

describe('loadConfig', () => {
  it('parses env into typed values with defaults', () => {
    const config = loadConfig(schema, {
      AUTH_DATABASE_URL: 'postgres://auth:pw@127.0.0.1:5432/auth',
      CONSUL_REGISTER: 'false',
      BODY_LIMIT_BYTES: '2048',
    });
    expect(config.PORT).toBe(3001);
    expect(config.BODY_LIMIT_BYTES).toBe(2048);
    expect(config.CONSUL_REGISTER).toBe(false);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('names every bad or missing variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: '70000', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('PORT:'))).toBeTruthy();
    expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toBeTruthy();
    expect(problems.find((p) => p.startsWith('AUTH_DATABASE_URL:'))).toMatch(/not set/);
    expect(message).toContain('Invalid configuration');
  });

  it('reads booleans strictly: "false" is false and "yes" is an error', () => {
    expect(envBoolean.parse('false')).toBe(false);
    expect(envBoolean.parse('1')).toBe(true);
    expect(() => envBoolean.parse('yes')).toThrow();
  });
});

describe('adminPortOf', () => {
  it('is ADMIN_PORT when set, else PORT + 1000, else (PORT 0) any free port', () => {
    expect(adminPortOf({ PORT: 3001, ADMIN_PORT: 9464 })).toBe(9464);
    expect(adminPortOf({ PORT: 3001, ADMIN_PORT: undefined })).toBe(4001);
    expect(adminPortOf({ PORT: 0, ADMIN_PORT: undefined })).toBe(0);
  });
});

describe('TRUSTED_PROXIES', () => {
  it('defaults to loopback, reads a comma list and refuses what is not an address or CIDR', () => {
    const env = { AUTH_DATABASE_URL: 'postgres://auth:pw@127.0.0.1:5432/auth' };
    expect(loadConfig(schema, env).TRUSTED_PROXIES).toEqual(['loopback']);
    expect(
      loadConfig(schema, { ...env, TRUSTED_PROXIES: ' 10.0.0.0/8, ,uniquelocal' }).TRUSTED_PROXIES,
    ).toEqual(['10.0.0.0/8', 'uniquelocal']);
    expect(loadConfig(schema, { ...env, TRUSTED_PROXIES: '' }).TRUSTED_PROXIES).toEqual([]);
    expect(() => loadConfig(schema, { ...env, TRUSTED_PROXIES: 'the-gateway' })).toThrow(
      /TRUSTED_PROXIES/,
    );
  });
});
