import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@lib/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ReadCache } from '../common/read-cache';
import { sendCached } from '../common/send-cached';
import { RankingResponse, RankingQuery } from './ranking.dto';
import { RankingService } from './ranking.service';

@ApiTags('webtoons')
@Controller('api/webtoons/ranking')
export class RankingController {
  constructor(
    private readonly ranking: RankingService,
    private readonly cache: ReadCache,
  ) {}

  /** The day's most viewed series (UTC day, default today). Public, like every read. */
  @Public()
  @Get()
  @ApiOkResponse({ type: RankingResponse })
  async get(
    @Query() query: RankingQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const cached = await this.ranking.cachedRanking(query.date, query.limit);
    sendCached(request, reply, cached, `public, max-age=${this.cache.ttlSeconds}`);
  }
}
