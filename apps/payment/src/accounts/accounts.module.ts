import { Module } from '@nestjs/common';
import { DeletedAccounts } from '@lib/platform';
import { DeletedAccountsRepository } from './deleted-accounts.repository';

/** Payment's record of deleted accounts (docs/payment.md); events/ keeps it up to date. */
@Module({
  providers: [
    DeletedAccountsRepository,
    // What the platform's guard asks before a state-changing request (docs/security.md).
    { provide: DeletedAccounts, useExisting: DeletedAccountsRepository },
  ],
  exports: [DeletedAccountsRepository],
})
export class AccountsModule {}
