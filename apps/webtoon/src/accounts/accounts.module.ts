import { Module } from '@nestjs/common';
import { PostgresDeletedAccountsModule } from '@lib/platform/postgres';
import { AnonymisationRepository } from './anonymisation.repository';

/**
 * Webtoon's record of deleted accounts (docs/webtoon.md), which the platform's guard asks, and
 * the anonymisation of what webtoon holds about them; events/ keeps both up to date.
 */
@Module({
  imports: [PostgresDeletedAccountsModule],
  providers: [AnonymisationRepository],
  exports: [PostgresDeletedAccountsModule, AnonymisationRepository],
})
export class AccountsModule {}
