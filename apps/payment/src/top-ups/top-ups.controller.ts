import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { CurrentUser, IdempotencyKey, type AuthUser } from '@lib/platform';
import { TopUpDto, TopUpRequest } from './top-ups.dto';
import { TopUpsService } from './top-ups.service';

@ApiTags('payments')
@ApiBearerAuth()
@Controller('api/payments/top-ups')
export class TopUpsController {
  constructor(private readonly topUps: TopUpsService) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '8-128 chars [A-Za-z0-9._:-]',
  })
  @ApiCreatedResponse({ type: TopUpDto })
  topUp(
    @CurrentUser() user: AuthUser,
    @IdempotencyKey() key: string,
    @Body() body: TopUpRequest,
  ): Promise<TopUpDto> {
    return this.topUps.topUp(user.id, key, body);
  }
}
