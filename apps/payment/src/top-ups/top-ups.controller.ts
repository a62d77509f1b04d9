import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiIdempotencyKey,
  CurrentUser,
  IdempotencyKey,
  type AuthUser,
} from '@lib/platform';
import { TopUpResponse, TopUpRequest } from './top-ups.dto';
import { TopUpsService } from './top-ups.service';

@ApiTags('payments')
@Controller('api/payments/top-ups')
export class TopUpsController {
  constructor(private readonly topUps: TopUpsService) {}

  @Post()
  @HttpCode(201)
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: TopUpResponse })
  @ApiErrors(
    [
      400,
      'Invalid input, an invalid Idempotency-Key, or a card number that is not one (`PAYMENT.CARD_INVALID`)',
    ],
    [402, 'The card was declined (`PAYMENT.CARD_DECLINED`)'],
    [404, 'No wallet yet (`PAYMENT.WALLET_NOT_FOUND`)'],
    [409, 'The wallet is closed (`PAYMENT.WALLET_CLOSED`)'],
    [422, 'Over the top-up limit, or the Idempotency-Key was used with another body'],
  )
  topUp(
    @CurrentUser() user: AuthUser,
    @IdempotencyKey() key: string,
    @Body() body: TopUpRequest,
  ): Promise<TopUpResponse> {
    return this.topUps.topUp(user.id, key, body);
  }
}
