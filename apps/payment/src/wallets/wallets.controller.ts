import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentUser, PageQueryDto, type AuthUser } from '@lib/platform';
import { TransactionPageDto, WalletDto } from './wallets.dto';
import { WalletsService } from './wallets.service';

@ApiTags('payments')
@ApiErrors([
  404,
  'No wallet yet: it is opened when the account is registered (`PAYMENT.WALLET_NOT_FOUND`)',
])
@Controller('api/payments')
export class WalletsController {
  constructor(private readonly wallets: WalletsService) {}

  @Get('wallet')
  @ApiOkResponse({ type: WalletDto })
  wallet(@CurrentUser() user: AuthUser): Promise<WalletDto> {
    return this.wallets.wallet(user.id);
  }

  @Get('transactions')
  @ApiOkResponse({ type: TransactionPageDto })
  transactions(
    @CurrentUser() user: AuthUser,
    @Query() paging: PageQueryDto,
  ): Promise<TransactionPageDto> {
    return this.wallets.transactions(user.id, paging);
  }
}
