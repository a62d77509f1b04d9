import { Inject, Injectable } from '@nestjs/common';
import { DeletedAccounts } from '@lib/platform';
import { AuthorsRepository } from './authors.repository';

/** Blog's record of deleted accounts is the authors' tombstone (auth.user.deleted.v1). */
@Injectable()
export class DeletedAuthors extends DeletedAccounts {
  constructor(@Inject(AuthorsRepository) private readonly authors: AuthorsRepository) {
    super();
  }

  async isDeleted(userId: string): Promise<boolean> {
    return (await this.authors.findOne(userId))?.deleted === true;
  }
}
