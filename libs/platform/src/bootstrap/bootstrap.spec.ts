import {
  Body,
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  type OnModuleInit,
  Param,
  Post,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsInt, IsString, Min } from 'class-validator';
import request from 'supertest';
import { baseConfigSchema } from '../config/config';
import { currentRequestId } from '../context/request-context';
import { DomainError } from '../errors/domain-error';
import { adminServerOf, createPlatformApp } from './bootstrap';

class CreateThingRequest {
  @IsString()
  name!: string;

  @IsInt()
  @Min(1)
  count!: number;
}

@Controller('things')
class ThingsController {
  @Post()
  create(@Body() dto: CreateThingRequest): { name: string; count: number; requestId?: string } {
    return { ...dto, requestId: currentRequestId() };
  }

  @Get('page/:n')
  page(@Param('n') n: number): { n: number } {
    return { n };
  }

  @Get(':id')
  get(@Param('id') id: string): { id: string } {
    if (id === 'gone') throw new DomainError('THING.GONE', 'This thing is gone', 410);
    if (id === 'boom') throw new Error('secret internals at db-7');
    return { id };
  }
}

/** A route on the raw Fastify instance, the way the gateway mounts its proxy. */
@Injectable()
class RawRoutes implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    const handler = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return { requestId: currentRequestId() ?? null };
    };
    fastify.get('/raw/context', handler);
  }
}

@Module({ controllers: [ThingsController], providers: [RawRoutes] })
class ThingsModule {}

describe('an app built by createPlatformApp', () => {
  let app: NestFastifyApplication;

  const things = (requestContext?: boolean) =>
    createPlatformApp({
      name: 'things',
      module: ThingsModule,
      configSchema: baseConfigSchema,
      env: { PORT: '0', LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: '1024' },
      requestContext,
    });

  beforeAll(async () => {
    app = await things();
  });

  afterAll(() => app.close());

  const http = () => request(app.getHttpServer());
  const admin = () => request(adminServerOf(app));

  it('validates bodies, transforms types and passes the request id into the handler', async () => {
    const response = await http()
      .post('/things')
      .set('x-request-id', 'client-req-42')
      .send({ name: 'a', count: 2 });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ name: 'a', count: 2, requestId: 'client-req-42' });
    expect(response.headers['x-request-id']).toBe('client-req-42');
  });

  it('rejects unknown fields and wrong types with 400 and one message per problem', async () => {
    const response = await http().post('/things').send({ name: 5, count: 0, admin: true });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('Bad Request');
    expect(response.body.message).toEqual(
      expect.arrayContaining([
        'property admin should not exist',
        'name must be a string',
        'count must not be less than 1',
      ]),
    );
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
  });

  it('answers malformed JSON with 400 in the error body', async () => {
    const response = await http()
      .post('/things')
      .set('content-type', 'application/json')
      .send('{"name": "a",');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(typeof response.body.requestId).toBe('string');
  });

  describe('hostile input', () => {
    const deep = (levels: number) => '{"name":'.repeat(levels) + '"a"' + '}'.repeat(levels);

    it.each([
      ['JSON nested 40 levels', deep(40), 'REQUEST.TOO_DEEP'],
      ['JSON nested 900 levels, unclosed', '['.repeat(900), 'REQUEST.TOO_DEEP'],
      ['a NUL in a string', '{"name":"a\\u0000","count":1}', 'REQUEST.INVALID_STRING'],
      ['a lone surrogate', '{"name":"\\udfff","count":1}', 'REQUEST.INVALID_STRING'],
      ['a __proto__ key', '{"__proto__":{"x":1},"name":"a","count":1}', 'REQUEST.MALFORMED_BODY'],
      ['malformed JSON', '{"name": "a",', 'REQUEST.MALFORMED_BODY'],
    ])('answers %s with 400, its code and the request id', async (_case, body, code) => {
      const response = await http()
        .post('/things')
        .set('content-type', 'application/json')
        .set('x-request-id', 'hostile-1')
        .send(body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        code,
        requestId: 'hostile-1',
      });
      expect(response.headers['x-request-id']).toBe('hostile-1');
    });

    it('answers NUL and lone surrogates in query and path parameters with 400', async () => {
      for (const path of ['/things/1?q=%00', '/things/a%00b', '/things/1?q=ok&q=%00']) {
        const response = await http().get(path);
        expect({ path, status: response.status, code: response.body.code }).toEqual({
          path,
          status: 400,
          code: 'REQUEST.INVALID_STRING',
        });
      }
    });

    it('answers a media type it does not parse with 415 and a code', async () => {
      const response = await http()
        .post('/things')
        .set('content-type', 'application/x-www-form-urlencoded')
        .send('name=a&count=1');
      expect(response.status).toBe(415);
      expect(response.body).toMatchObject({
        code: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
        requestId: response.headers['x-request-id'],
      });
    });

    it('converts numeric path parameters from decimal digits only, never 0x1 or 1e3', async () => {
      expect((await http().get('/things/page/12')).body).toEqual({ n: 12 });
      for (const n of ['0x1', '1e3', '1.5', ' 1', 'Infinity']) {
        const response = await http().get(`/things/page/${encodeURIComponent(n)}`);
        expect({ n, status: response.status, code: response.body.code }).toEqual({
          n,
          status: 400,
          code: 'VALIDATION.FAILED',
        });
      }
    });

    it('gives validation errors the code VALIDATION.FAILED', async () => {
      const response = await http().post('/things').send({ name: 5, count: 1 });
      expect(response.body).toMatchObject({
        code: 'VALIDATION.FAILED',
        message: ['name must be a string'],
      });
    });
  });

  it('answers a body over the limit with 413', async () => {
    const response = await http()
      .post('/things')
      .send({ name: 'x'.repeat(2000), count: 1 });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({
      statusCode: 413,
      error: 'Payload Too Large',
      code: 'HTTP.PAYLOAD_TOO_LARGE',
    });
  });

  it('answers unknown routes with 404 in the same body', async () => {
    const response = await http().get('/nowhere');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({
      statusCode: 404,
      error: 'Not Found',
      code: 'HTTP.NOT_FOUND',
    });
  });

  it('maps domain errors with their code, and hides unexpected ones', async () => {
    const gone = await http().get('/things/gone');
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ code: 'THING.GONE', message: 'This thing is gone' });
    const boom = await http().get('/things/boom');
    expect(boom.status).toBe(500);
    expect(JSON.stringify(boom.body)).not.toContain('db-7');
  });

  it('carries the request id through raw routes too', async () => {
    const response = await http().get('/raw/context').set('x-request-id', 'raw-1');
    expect(response.body).toEqual({ requestId: 'raw-1' });
  });

  it('runs no request in the async context when the app opts out, and still returns and measures the id', async () => {
    const bare = await things(false);
    try {
      const server = bare.getHttpServer();
      const raw = await request(server).get('/raw/context').set('x-request-id', 'raw-2');
      expect(raw.body).toEqual({ requestId: null });
      expect(raw.headers['x-request-id']).toBe('raw-2');
      const nest = await request(server)
        .post('/things')
        .set('x-request-id', 'nest-2')
        .send({ name: 'a', count: 1 });
      expect({ status: nest.status, body: nest.body }).toEqual({
        status: 201,
        body: { name: 'a', count: 1 },
      });
      expect(nest.headers['x-request-id']).toBe('nest-2');
      const metrics = await request(adminServerOf(bare)).get('/metrics');
      expect(metrics.text).toMatch(/route="\/raw\/context",status_code="200"\} 1/);
    } finally {
      await bare.close();
    }
  });

  it('makes a request id when the client sends none or an unsafe one', async () => {
    const none = await http().get('/things/1');
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await http()
      .get('/things/1')
      .set('x-request-id', 'has spaces and {braces} ${jndi}');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves liveness, readiness and metrics labelled by route template, never raw ids', async () => {
    expect((await admin().get('/health/live')).body).toEqual({ status: 'ok' });
    expect((await admin().get('/health/ready')).status).toBe(200);
    await http().get('/things/12345');
    const metrics = await admin().get('/metrics');
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_count\{app="things",method="GET",route="\/things\/:id",status_code="200"\} \d+/,
    );
    expect(metrics.text).not.toContain('12345');
    expect(metrics.text).toContain('process_resident_memory_bytes');
  });

  it('serves health, metrics and its OpenAPI document on the admin port only, and the API on the public port only', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/openapi.json']) {
      const onPublic = await http().get(path);
      expect({ path, status: onPublic.status, code: onPublic.body.code }).toEqual({
        path,
        status: 404,
        code: 'HTTP.NOT_FOUND',
      });
      expect({ path, status: (await admin().get(path)).status }).toEqual({ path, status: 200 });
    }
    expect((await http().get('/things/1')).status).toBe(200);
    const apiOnAdmin = await admin().get('/things/1');
    expect(apiOnAdmin.status).toBe(404);
    expect(apiOnAdmin.body.requestId).toBe(apiOnAdmin.headers['x-request-id']);
  });

  it('publishes its OpenAPI document', async () => {
    const response = await admin().get('/openapi.json');
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/things', '/things/{id}']),
    );
    expect(response.body.paths['/health/live']).toBeUndefined();
  });
});
