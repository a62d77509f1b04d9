import { ParseUUIDPipe, type PipeTransform } from '@nestjs/common';
import { DomainError } from '@lib/platform';

/** `:id` path parameters must be uuids: anything else is a 400, never a database error. */
export const uuidParam = new ParseUUIDPipe({
  exceptionFactory: () => new DomainError('VALIDATION.INVALID_ID', 'The id must be a uuid', 400),
});

const EPISODE_NO = /^[1-9]\d{0,9}$/;

/**
 * Episode numbers are written in decimal without sign or leading zeros (`0x1`, `1e3`, `01`
 * and `+1` are refused, not read as 1, 1000 or 1), within PostgreSQL's integer range.
 */
export const episodeNoParam: PipeTransform<string, number> = {
  transform(value: string): number {
    if (!EPISODE_NO.test(value)) {
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
