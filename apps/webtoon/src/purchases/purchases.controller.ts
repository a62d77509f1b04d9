import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, IdempotencyKey, idParam, type AuthUser } from '@lib/platform';
import type { FastifyReply } from 'fastify';
import { parseEpisodeNo } from '../common/episode-no-param';
import { PurchaseDto } from './purchases.dto';
import { PurchasesService } from './purchases.service';

@ApiTags('webtoons')
@ApiBearerAuth()
@Controller('api/webtoons')
export class PurchasesController {
  constructor(private readonly purchases: PurchasesService) {}

  /** 202: payment settles it asynchronously; poll the Location until completed or declined. */
  @Post(':id/episodes/:no/purchase')
  @HttpCode(202)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '8-128 chars [A-Za-z0-9._:-]',
  })
  @ApiAcceptedResponse({ type: PurchaseDto })
  @ApiParam({ name: 'no', schema: { type: 'integer', minimum: 1 } })
  async purchase(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('uuid')) id: string,
    @Param('no') no: string,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PurchaseDto> {
    const purchase = await this.purchases.request(user, id, parseEpisodeNo(no), key);
    void reply.header('location', `/api/webtoons/purchases/${purchase.purchaseId}`);
    return purchase;
  }

  @Get('purchases/:purchaseId')
  @ApiOkResponse({ type: PurchaseDto })
  get(
    @CurrentUser() user: AuthUser,
    @Param('purchaseId', idParam('uuid')) purchaseId: string,
  ): Promise<PurchaseDto> {
    return this.purchases.get(user, purchaseId);
  }
}
