import { apiTestApp, type ApiTestApp } from '@lib/platform/testing';
import { KeysController } from './keys/keys.controller';
import { KeyStore } from './keys/key-store';
import { generateSigningKey } from './keys/signing-keys';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsService } from './sessions/sessions.service';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

/**
 * The HTTP surface of auth (validation, auth and role errors) over the real platform app
 * (its ValidationPipe, error filter and the JWT guard), with the services faked.
 */
describe('auth API: validation and auth errors', () => {
  let api: ApiTestApp;
  const users = {
    signup: jest.fn(async () => ({ status: 'accepted', message: 'If this email …' })),
    me: jest.fn(),
    deleteMe: jest.fn(async () => undefined),
    setRoles: jest.fn(async (_actor: string, id: string, roles: string[]) => ({ id, roles })),
  };
  const sessions = { login: jest.fn(async () => ({})), refresh: jest.fn(), logout: jest.fn() };

  beforeAll(async () => {
    const keyStore = await KeyStore.fromKeySet({ keys: [await generateSigningKey()] });
    api = await apiTestApp({
      name: 'auth',
      controllers: [UsersController, SessionsController, KeysController],
      providers: [
        { provide: UsersService, useValue: users },
        { provide: SessionsService, useValue: sessions },
        { provide: KeyStore, useValue: keyStore },
      ],
    });
  });

  afterAll(() => api.app.close());
  beforeEach(() => jest.clearAllMocks());

  const http = () => api.http();
  const admin = () => api.admin();
  const bearer = async (roles: ('reader' | 'admin')[] = ['reader'], userId = 'u-1') =>
    api.bearer(userId, roles);

  describe('POST /api/auth/signup', () => {
    const valid = {
      email: 'Reader@Example.COM ',
      password: 'long enough passphrase',
      displayName: ' Jane ',
    };

    it('passes a normalised email and trimmed name to the service and answers 202', async () => {
      const res = await http().post('/api/auth/signup').send(valid);
      expect(res.status).toBe(202);
      expect(users.signup).toHaveBeenCalledWith({
        email: 'reader@example.com',
        password: 'long enough passphrase',
        displayName: 'Jane',
      });
      expect(res.body).toEqual({ status: 'accepted', message: 'If this email …' });
    });

    it.each([
      [{ ...valid, email: 'not-an-email' }, 'email must be a valid email address'],
      [{ ...valid, password: 'short' }, 'password must be at least 12 characters long'],
      [{ ...valid, password: 'x'.repeat(129) }, 'password must be at most 128 characters long'],
      [
        { ...valid, password: 'my reader@example.com pw' },
        'password must not contain your email address',
      ],
      [
        { ...valid, password: 'READER-secret-2026' },
        'password must not contain your email address',
      ],
      [
        { ...valid, password: 'aaaaaaaaaaaaaaaa' },
        'password must use at least 4 different characters',
      ],
      [{ ...valid, displayName: '   ' }, 'displayName must not be empty'],
      [{ ...valid, isAdmin: true }, 'property isAdmin should not exist'],
    ])('rejects %j with 400 naming the problem', async (body, message) => {
      const res = await http().post('/api/auth/signup').send(body);
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
      expect(users.signup).not.toHaveBeenCalled();
    });

    it('answers 400, not 500, for a body that is not JSON', async () => {
      const res = await http()
        .post('/api/auth/signup')
        .set('content-type', 'application/json')
        .send('{"email":');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, requestId: expect.any(String) });
    });
  });

  describe('POST /api/auth/login', () => {
    it('needs no token and passes the normalised email and client IP', async () => {
      const res = await http()
        .post('/api/auth/login')
        .send({ email: ' A@B.IO', password: 'whatever' });
      expect(res.status).toBe(200);
      expect(sessions.login).toHaveBeenCalledWith('a@b.io', 'whatever', expect.any(String));
    });

    it('answers 400 without a password', async () => {
      const res = await http().post('/api/auth/login').send({ email: 'a@b.io' });
      expect(res.status).toBe(400);
      expect(sessions.login).not.toHaveBeenCalled();
    });
  });

  it('POST /api/auth/refresh answers 400 for a missing or absurd token', async () => {
    expect((await http().post('/api/auth/refresh').send({})).status).toBe(400);
    const huge = await http()
      .post('/api/auth/refresh')
      .send({ refreshToken: 'x'.repeat(1000) });
    expect(huge.status).toBe(400);
    expect(sessions.refresh).not.toHaveBeenCalled();
  });

  describe('GET /api/auth/me', () => {
    it('answers 401 without a token', async () => {
      const res = await http().get('/api/auth/me');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('AUTH.TOKEN_MISSING');
    });

    it('answers 401 for an expired token', async () => {
      const expired = await api.issuer.sign('u-1', { expiresIn: -120 });
      const res = await http().get('/api/auth/me').set('authorization', `Bearer ${expired}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('AUTH.TOKEN_INVALID');
      expect(users.me).not.toHaveBeenCalled();
    });
  });

  it('DELETE /api/auth/me deletes the caller, from the token, and answers 204', async () => {
    const res = await http()
      .delete('/api/auth/me')
      .set('authorization', await bearer(['reader'], 'u-9'));
    expect(res.status).toBe(204);
    expect(users.deleteMe).toHaveBeenCalledWith('u-9');
  });

  describe('PUT /api/auth/users/:id/roles', () => {
    const target = '2b1f6c1e-9a43-4a53-8c55-1a0c3e0b6d7e';

    it('answers 403 to a non-admin', async () => {
      const res = await http()
        .put(`/api/auth/users/${target}/roles`)
        .set('authorization', await bearer(['reader']))
        .send({ roles: ['author'] });
      expect(res.status).toBe(403);
      expect(users.setRoles).not.toHaveBeenCalled();
    });

    it('lets an admin set roles', async () => {
      const res = await http()
        .put(`/api/auth/users/${target}/roles`)
        .set('authorization', await bearer(['reader', 'admin'], 'admin-1'))
        .send({ roles: ['reader', 'author'] });
      expect(res.status).toBe(200);
      expect(users.setRoles).toHaveBeenCalledWith('admin-1', target, ['reader', 'author']);
    });

    it.each([
      ['not-a-uuid', { roles: ['author'] }],
      [target, { roles: ['superuser'] }],
      [target, { roles: [] }],
      [target, { roles: 'admin' }],
    ])('answers 400 for id %s and body %j', async (id, body) => {
      const res = await http()
        .put(`/api/auth/users/${id}/roles`)
        .set('authorization', await bearer(['admin']))
        .send(body);
      expect(res.status).toBe(400);
      expect(users.setRoles).not.toHaveBeenCalled();
    });
  });

  it('keeps the platform endpoints public: probes and scrapes carry no token', async () => {
    expect((await admin().get('/health/live')).status).toBe(200);
    expect((await admin().get('/metrics')).status).toBe(200);
  });

  it('serves the JWKS publicly, public keys only, cacheable', async () => {
    const res = await http().get('/api/auth/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(res.body.keys[0]).not.toHaveProperty('d');
  });
});
