import { authOptionsFromConfig, jwtVerificationConfigSchema } from './auth.options';

describe('jwtVerificationConfigSchema', () => {
  it('defaults to the local auth service and the platform audience', () => {
    expect(authOptionsFromConfig(jwtVerificationConfigSchema.parse({}))).toEqual({
      jwksUrl: 'http://127.0.0.1:3001/api/auth/.well-known/jwks.json',
      issuer: 'auth',
      audience: ['platform'],
    });
  });

  it('reads JWT_AUDIENCE as a comma list', () => {
    const config = jwtVerificationConfigSchema.parse({
      JWT_AUDIENCE: ' platform, admin-console ,',
    });
    expect(config.JWT_AUDIENCE).toEqual(['platform', 'admin-console']);
  });

  it('rejects a JWKS_URL that is not an http(s) URL', () => {
    for (const JWKS_URL of ['auth:3001', 'file:///etc/jwks.json', 'not a url']) {
      expect(jwtVerificationConfigSchema.safeParse({ JWKS_URL }).success).toBe(false);
    }
  });
});
