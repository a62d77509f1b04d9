import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiParam,
  ApiPaymentRequiredResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  ApiErrors,
  ApiUuidParams,
  CurrentUser,
  PageQuery,
  Public,
  Roles,
  type AuthUser,
  idParam,
} from '@lib/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ReadCache } from '../common/read-cache';
import { sendCached } from '../common/send-cached';
import { parseEpisodeNo } from '../common/episode-no-param';
import { CreateEpisodeRequest, EpisodeResponse, EpisodePageResponse } from './episodes.dto';
import { EpisodesService } from './episodes.service';

@ApiTags('webtoons')
@ApiUuidParams(['id'])
@Controller('api/webtoons/:id/episodes')
export class EpisodesController {
  constructor(
    private readonly episodes: EpisodesService,
    private readonly cache: ReadCache,
  ) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: EpisodePageResponse })
  async list(
    @Param('id', idParam('uuid')) id: string,
    @Query() paging: PageQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const cached = await this.episodes.cachedList(id, paging.page, paging.limit);
    sendCached(request, reply, cached, `public, max-age=${this.cache.ttlSeconds}`);
  }

  @Post()
  @Roles('author', 'admin')
  @ApiCreatedResponse({ type: EpisodeResponse })
  @ApiErrors(
    [403, 'Only the series author can do this (`WEBTOON.NOT_SERIES_AUTHOR`), or a role is missing'],
    [409, 'That episode number is taken (`WEBTOON.EPISODE_EXISTS`)'],
  )
  publish(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('uuid')) id: string,
    @Body() body: CreateEpisodeRequest,
  ): Promise<EpisodeResponse> {
    return this.episodes.publish(user, id, body);
  }

  /** Free → 200 for anyone; paid → 200 for its owners and author, else 402 with the price. */
  @Public()
  @Get(':no')
  @ApiOkResponse({ type: EpisodeResponse })
  @ApiPaymentRequiredResponse({ description: 'A paid episode not owned: the body has priceCoins' })
  @ApiParam({ name: 'no', schema: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } })
  async read(
    @Param('id', idParam('uuid')) id: string,
    @Param('no') no: string,
    @CurrentUser() user: AuthUser | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const episode = await this.episodes.read(id, parseEpisodeNo(no), user);
    const caching =
      episode.priceCoins > 0 ? 'private, no-cache' : `public, max-age=${this.cache.ttlSeconds}`;
    sendCached(request, reply, episode.cached, caching);
  }
}
