import { ParseUUIDPipe, type PipeTransform } from '@nestjs/common';
import { DomainError } from '@lib/platform';

/** `:id` path parameters must be uuids: anything else is a 400, never a database error. */
export const uuidParam = new ParseUUIDPipe({
  exceptionFactory: () => new DomainError('VALIDATION.INVALID_ID', 'The id must be a uuid', 400),
});

const EPISODE_NO = /^[1-9]\d{0,9}$/;

/**
 * Episode numbers are positive decimal integers within PostgreSQL's integer range. The global
 * pipe has already refused `0x1` and `1e3` (it converts decimal digits only); this refuses
 * zero, negatives and more than ten digits.
 */
export const episodeNoParam: PipeTransform<string | number, number> = {
  transform(value: string | number): number {
    if (!EPISODE_NO.test(String(value))) {
      throw new DomainError(
        'VALIDATION.INVALID_EPISODE_NO',
        'The episode number must be a positive decimal integer',
        400,
      );
    }
    return assertEpisodeNo(Number(value));
  },
};

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
