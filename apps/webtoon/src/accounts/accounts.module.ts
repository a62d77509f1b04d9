import { Module } from '@nestjs/common';
import { DeletedAccounts } from '@lib/platform';
import { AnonymiseUserWhenDeletedHandler } from '../events/anonymise-user-when-deleted.handler';
import { DeletedAccountsRepository } from './deleted-accounts.repository';

/** Webtoon's side of account deletion (docs/webtoon.md). */
@Module({
  providers: [
    DeletedAccountsRepository,
    AnonymiseUserWhenDeletedHandler,
    // What the platform's guard asks before a state-changing request (docs/security.md).
    { provide: DeletedAccounts, useExisting: DeletedAccountsRepository },
  ],
})
export class AccountsModule {}
