import 'reflect-metadata';
import { Body, Controller, Get, Module, Post, Put } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ApiOkResponse,
  ApiProperty,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Public } from '../auth/public.decorator';
import { Roles } from '../auth/roles.decorator';
import { ApiErrors, completeOpenApi } from './openapi';
import { IntRange, Slug, SlugList, Text } from './validation';

class ThingRequest {
  @ApiProperty({ example: 'A title' })
  @Text(20)
  title!: string;

  @Slug(10)
  category!: string;

  @SlugList(3, 8)
  tags!: string[];

  @IntRange(1, 5)
  stars!: number;
}

@Controller('api/things')
class ThingsController {
  @Public()
  @Get()
  list(): string[] {
    return [];
  }

  @Post()
  create(@Body() thing: ThingRequest): string {
    return thing.title;
  }

  @Roles('admin')
  @Put(':id')
  @ApiOkResponse()
  @ApiErrors([409, 'Taken (`THING.TAKEN`)'])
  replace(): string {
    return 'replaced';
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

async function documentOf(guarded = true): Promise<OpenAPIObject> {
  const module = await Test.createTestingModule({ imports: [ThingsModule] }).compile();
  const app = module.createNestApplication();
  await app.init();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().addBearerAuth().build(),
    { extraModels: [ThingRequest] },
  );
  await app.close();
  return completeOpenApi(document, { guarded });
}

describe('OpenAPI from the same decorators as validation and guards', () => {
  let document: OpenAPIObject;
  beforeAll(async () => {
    document = await documentOf();
  });

  it('documents the constraints the validators enforce', () => {
    expect(document.components?.schemas?.ThingRequest).toEqual(
      expect.objectContaining({
        properties: {
          title: { type: 'string', minLength: 1, maxLength: 20, example: 'A title' },
          category: { type: 'string', maxLength: 10, pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' },
          tags: {
            type: 'array',
            maxItems: 3,
            items: { type: 'string', maxLength: 8, pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' },
          },
          stars: { type: 'integer', minimum: 1, maximum: 5 },
        },
      }),
    );
    expect(document.components?.schemas?.ThingRequest).toEqual(
      expect.objectContaining({ additionalProperties: false }),
    );
    const valid = { title: 'Ok', category: 'news', tags: ['a-b'], stars: 5 };
    expect(validateSync(plainToInstance(ThingRequest, valid))).toEqual([]);
    const invalid = { title: '', category: 'News', tags: ['a', 'b', 'c', 'd'], stars: 6 };
    expect(
      validateSync(plainToInstance(ThingRequest, invalid))
        .map((error) => error.property)
        .sort(),
    ).toEqual(['category', 'stars', 'tags', 'title']);
  });

  it('declares security from @Public() and @Roles(), and the errors every operation can get', () => {
    const list = document.paths['/api/things'].get!;
    const create = document.paths['/api/things'].post!;
    const replace = document.paths['/api/things/{id}'].put!;
    expect(list.security).toBeUndefined();
    expect(Object.keys(list.responses).sort()).toEqual(['200', '400', '429']);
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(create.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '413',
      '415',
      '429',
    ]);
    expect(replace.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(replace.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '429',
    ]);
    expect(replace.responses['403']).toEqual(
      expect.objectContaining({ description: 'Needs one of the roles: admin (`AUTH.FORBIDDEN`)' }),
    );
    expect(replace.responses['409']).toEqual({
      description: 'Taken (`THING.TAKEN`)',
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } },
      },
    });
    expect(JSON.stringify(document)).not.toMatch(/x-public|x-roles/);
  });

  it('declares no bearer requirement in an app without the JWT guard', async () => {
    const unguarded = await documentOf(false);
    const create = unguarded.paths['/api/things'].post!;
    expect(create.security).toBeUndefined();
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '413', '415', '429']);
    expect(document.components?.schemas?.ErrorResponse).toEqual(
      expect.objectContaining({ required: ['statusCode', 'error', 'message', 'requestId'] }),
    );
  });
});
