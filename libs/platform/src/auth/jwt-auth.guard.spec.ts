import { Controller, Get, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import type { AuthUser } from './auth-user';
import { AuthModule } from './auth.module';
import { CurrentUser } from './current-user.decorator';
import { Public } from './public.decorator';
import { Roles } from './roles.decorator';
import { TestTokenIssuer } from '../testing/test-token-issuer';

@Controller('things')
class ThingsController {
  @Get('mine')
  mine(@CurrentUser() user: AuthUser) {
    return user;
  }

  @Public()
  @Get('open')
  open(@CurrentUser() user: AuthUser | undefined) {
    return { userId: user?.id ?? null };
  }

  @Roles('editor', 'admin')
  @Get('edit')
  edit() {
    return { ok: true };
  }
}

describe('JwtAuthGuard (global, over HTTP)', () => {
  let issuer: TestTokenIssuer;
  let app: INestApplication;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.create();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          keys: issuer.keys,
          issuer: issuer.issuer,
          audience: issuer.audience,
        }),
      ],
      controllers: [ThingsController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.init();
    await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const http = () => request(app.getHttpServer());

  it('hands the verified user to the handler', async () => {
    const token = await issuer.sign('user-1', { email: 'a@example.com', roles: ['author'] });
    const res = await http().get('/things/mine').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'user-1', email: 'a@example.com', roles: ['author'] });
  });

  it('answers 401 with a Bearer challenge when no token is sent', async () => {
    const res = await http().get('/things/mine');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toMatchObject({ statusCode: 401, code: 'AUTH.TOKEN_MISSING' });
  });

  it('answers 401 invalid_token for an expired token', async () => {
    const token = await issuer.sign('user-1', { expiresIn: -60 });
    const res = await http().get('/things/mine').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.body.code).toBe('AUTH.TOKEN_INVALID');
  });

  it('treats another scheme as no token', async () => {
    const res = await http().get('/things/mine').set('authorization', 'Basic dXNlcjpwYXNz');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH.TOKEN_MISSING');
  });

  it('lets anyone through a @Public() route, with the user when a valid token is sent', async () => {
    expect((await http().get('/things/open')).body).toEqual({ userId: null });
    const token = await issuer.sign('user-2');
    const signedIn = await http().get('/things/open').set('authorization', `Bearer ${token}`);
    expect(signedIn.body).toEqual({ userId: 'user-2' });
    const invalid = await http().get('/things/open').set('authorization', 'Bearer x.y.z');
    expect(invalid.status).toBe(200);
    expect(invalid.body).toEqual({ userId: null });
  });

  it('answers 403 when the user has none of the required roles', async () => {
    const token = await issuer.sign('user-1', { roles: ['reader', 'author'] });
    const res = await http().get('/things/edit').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'AUTH.FORBIDDEN' });
  });

  it('lets a user with any one of the required roles through', async () => {
    const token = await issuer.sign('user-1', { roles: ['reader', 'admin'] });
    const res = await http().get('/things/edit').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
  });

  it('checks authentication before roles: no token on a role route is 401, not 403', async () => {
    expect((await http().get('/things/edit')).status).toBe(401);
  });
});
