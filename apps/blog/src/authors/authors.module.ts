import { Module } from '@nestjs/common';
import { DeletedAccounts } from '@lib/platform';
import { AuthorsRepository } from './authors.repository';
import { AuthorsService } from './authors.service';
import { DeletedAuthors } from './deleted-authors';

@Module({
  // DeletedAccounts: the platform's guard refuses state-changing requests of deleted accounts.
  providers: [
    AuthorsRepository,
    AuthorsService,
    { provide: DeletedAccounts, useClass: DeletedAuthors },
  ],
  exports: [AuthorsRepository, AuthorsService],
})
export class AuthorsModule {}
