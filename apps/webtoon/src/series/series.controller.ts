import { Body, Controller, Get, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiUuidParams,
  CurrentUser,
  Public,
  Roles,
  type AuthUser,
  idParam,
} from '@lib/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ReadCache } from '../common/read-cache';
import { sendCached } from '../common/send-cached';
import {
  CreateSeriesRequest,
  SeriesResponse,
  ListSeriesQuery,
  SeriesPageResponse,
  UpdateSeriesRequest,
} from './series.dto';
import { SeriesService } from './series.service';

@ApiTags('webtoons')
@Controller('api/webtoons')
export class SeriesController {
  constructor(
    private readonly series: SeriesService,
    private readonly cache: ReadCache,
  ) {}

  @Public()
  @Get()
  @ApiProduces('application/json')
  @ApiOkResponse({ type: SeriesPageResponse })
  async list(
    @Query() query: ListSeriesQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendCached(request, reply, await this.series.cachedList(query), this.publicCaching());
  }

  @Public()
  @Get(':id')
  @ApiOkResponse({ type: SeriesResponse })
  @ApiUuidParams(['id'])
  async get(
    @Param('id', idParam('uuid')) id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    sendCached(request, reply, await this.series.cachedSeries(id), this.publicCaching());
  }

  @Post()
  @Roles('author', 'admin')
  @ApiCreatedResponse({ type: SeriesResponse })
  create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateSeriesRequest,
  ): Promise<SeriesResponse> {
    return this.series.create(user, body);
  }

  @Patch(':id')
  @Roles('author', 'admin')
  @ApiOkResponse({ type: SeriesResponse })
  @ApiUuidParams(['id'])
  @ApiErrors([
    403,
    'Only the series author can do this (`WEBTOON.NOT_SERIES_AUTHOR`), or a role is missing',
  ])
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('uuid')) id: string,
    @Body() body: UpdateSeriesRequest,
  ): Promise<SeriesResponse> {
    return this.series.update(user, id, body);
  }

  private publicCaching(): string {
    return `public, max-age=${this.cache.ttlSeconds}`;
  }
}
