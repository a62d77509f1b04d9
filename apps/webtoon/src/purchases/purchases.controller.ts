import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiIdempotencyKey,
  ApiPreferWait,
  ApiUuidParams,
  CurrentUser,
  IdempotencyKey,
  type AuthUser,
  idParam,
  PreferWait,
} from '@lib/platform';
import type { FastifyReply } from 'fastify';
import { parseEpisodeNo } from '../common/episode-no-param';
import { PurchaseResponse } from './purchases.dto';
import { PurchasesService } from './purchases.service';

/**
 * The longest `Prefer: wait` honoured: under the gateway's 5 s timeout for webtoon, with room
 * for the reads around the wait.
 */
const MAX_WAIT_SECONDS = 3;

@ApiTags('webtoons')
@Controller('api/webtoons')
export class PurchasesController {
  constructor(private readonly purchases: PurchasesService) {}

  /** 202: payment settles it asynchronously; poll the Location until completed or declined. */
  @Post(':id/episodes/:no/purchase')
  @HttpCode(202)
  @ApiIdempotencyKey()
  @ApiAcceptedResponse({ type: PurchaseResponse })
  @ApiUuidParams(['id'])
  @ApiErrors(
    [
      409,
      'Already owned, or a purchase of it is in progress (`WEBTOON.ALREADY_OWNED`, `WEBTOON.PURCHASE_IN_PROGRESS`)',
    ],
    [422, 'A free episode, or the Idempotency-Key was used for another purchase'],
  )
  @ApiParam({ name: 'no', schema: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } })
  async purchase(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('uuid')) id: string,
    @Param('no') no: string,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PurchaseResponse> {
    const purchase = await this.purchases.request(user, id, parseEpisodeNo(no), key);
    void reply.header('location', `/api/webtoons/purchases/${purchase.purchaseId}`);
    return purchase;
  }

  /** With `Prefer: wait=N`, a pending purchase is answered when it settles (docs/api.md). */
  @Get('purchases/:purchaseId')
  @ApiOkResponse({ type: PurchaseResponse })
  @ApiUuidParams(['purchaseId'])
  @ApiPreferWait(MAX_WAIT_SECONDS, 'the purchase is no longer pending')
  get(
    @CurrentUser() user: AuthUser,
    @Param('purchaseId', idParam('uuid')) purchaseId: string,
    @PreferWait(MAX_WAIT_SECONDS) waitSeconds: number,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PurchaseResponse> {
    if (waitSeconds === 0) return this.purchases.get(user, purchaseId);
    // A client that hangs up stops the wait; `close` after a finished answer changes nothing.
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort());
    return this.purchases.get(user, purchaseId, waitSeconds, gone.signal);
  }
}
