import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, PageQueryDto, type AuthUser } from '@lib/platform';
import { TransactionPageDto, WalletDto } from './wallets.dto';
import { WalletsService } from './wallets.service';

@ApiTags('payments')
@ApiBearerAuth()
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
