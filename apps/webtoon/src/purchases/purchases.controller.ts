import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiIdempotencyKey,
  ApiUuidParams,
  CurrentUser,
  IdempotencyKey,
  type AuthUser,
  idParam,
} from '@lib/platform';
import type { FastifyReply } from 'fastify';
import { parseEpisodeNo } from '../common/episode-no-param';
import { PurchaseResponse } from './purchases.dto';
import { PurchasesService } from './purchases.service';

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

  @Get('purchases/:purchaseId')
  @ApiOkResponse({ type: PurchaseResponse })
  @ApiUuidParams(['purchaseId'])
  get(
    @CurrentUser() user: AuthUser,
    @Param('purchaseId', idParam('uuid')) purchaseId: string,
  ): Promise<PurchaseResponse> {
    return this.purchases.get(user, purchaseId);
  }
}
