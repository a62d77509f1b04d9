import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentUser, PageQuery, type AuthUser } from '@lib/platform';
import { TransactionPageResponse, WalletResponse } from './wallets.dto';
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
  @ApiOkResponse({ type: WalletResponse })
  wallet(@CurrentUser() user: AuthUser): Promise<WalletResponse> {
    return this.wallets.wallet(user.id);
  }

  @Get('transactions')
  @ApiOkResponse({ type: TransactionPageResponse })
  transactions(
    @CurrentUser() user: AuthUser,
    @Query() paging: PageQuery,
  ): Promise<TransactionPageResponse> {
    return this.wallets.transactions(user.id, paging);
  }
}
