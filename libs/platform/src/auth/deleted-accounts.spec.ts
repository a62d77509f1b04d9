import { Controller, Get, Module, Post, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { TestTokenIssuer } from '../testing/test-token-issuer';
import { AuthModule } from './auth.module';
import { DeletedAccounts } from './deleted-accounts';

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return { read: true };
  }

  @Post()
  create() {
    return { created: true };
  }
}

/** The app's record of deleted accounts, provided by a feature module as apps do. */
class FakeDeletedAccounts extends DeletedAccounts {
  readonly asked: string[] = [];
  isDeleted(userId: string): Promise<boolean> {
    this.asked.push(userId);
    return Promise.resolve(userId === 'deleted-user');
  }
}

@Module({ providers: [{ provide: DeletedAccounts, useClass: FakeDeletedAccounts }] })
class AccountsModule {}

async function appWith(imports: unknown[], issuer: TestTokenIssuer): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthModule.forRoot({ keys: issuer.keys, issuer: issuer.issuer, audience: issuer.audience }),
      ...(imports as []),
    ],
    controllers: [ThingsController],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  app.useGlobalFilters(new AllExceptionsFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('JwtAuthGuard with DeletedAccounts', () => {
  let issuer: TestTokenIssuer;
  let app: INestApplication;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.create();
    app = await appWith([AccountsModule], issuer);
  });

  afterAll(() => app.close());

  const bearer = async (userId: string) => `Bearer ${await issuer.sign(userId)}`;

  it('refuses a state-changing request of a deleted account with 401 AUTH.ACCOUNT_DELETED', async () => {
    const res = await request(app.getHttpServer())
      .post('/things')
      .set('authorization', await bearer('deleted-user'));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, code: 'AUTH.ACCOUNT_DELETED' });
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('lets the deleted account read, and other accounts write, asking only for writes', async () => {
    const accounts = app.get(DeletedAccounts) as FakeDeletedAccounts;
    accounts.asked.length = 0;
    const read = await request(app.getHttpServer())
      .get('/things')
      .set('authorization', await bearer('deleted-user'));
    expect(read.status).toBe(200);
    const write = await request(app.getHttpServer())
      .post('/things')
      .set('authorization', await bearer('someone'));
    expect(write.status).toBe(201);
    expect(accounts.asked).toEqual(['someone']);
  });

  it('changes nothing in an app that provides no DeletedAccounts', async () => {
    const plain = await appWith([], issuer);
    try {
      const res = await request(plain.getHttpServer())
        .post('/things')
        .set('authorization', await bearer('deleted-user'));
      expect(res.status).toBe(201);
    } finally {
      await plain.close();
    }
  });
});
