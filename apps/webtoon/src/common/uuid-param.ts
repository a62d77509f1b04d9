import { ParseIntPipe, ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '@lib/platform';

/** `:id` path parameters must be uuids: anything else is a 400, never a database error. */
export const uuidParam = new ParseUUIDPipe({
  exceptionFactory: () => new DomainError('VALIDATION.INVALID_ID', 'The id must be a uuid', 400),
});

/** Episode numbers are positive integers within PostgreSQL's integer range. */
export const episodeNoParam = new ParseIntPipe({
  exceptionFactory: () =>
    new DomainError('VALIDATION.INVALID_EPISODE_NO', 'The episode number must be an integer', 400),
});

export function assertEpisodeNo(no: number): number {
  if (no < 1 || no > 2_147_483_647) {
    throw new DomainError(
      'VALIDATION.INVALID_EPISODE_NO',
      'The episode number must be positive',
      400,
    );
  }
  return no;
}
