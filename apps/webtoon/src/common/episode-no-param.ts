import { DomainError } from '@lib/platform';

const DIGITS = /^\d{1,10}$/;

/**
 * An episode number from the path: decimal digits only, 1 … PostgreSQL's integer maximum.
 * Taken as a string, because the global ValidationPipe turns a `number` parameter into
 * `Number(value)` first, which would read `1e3` as episode 1000 and `0x10` as 16.
 */
export function parseEpisodeNo(value: string): number {
  const no = DIGITS.test(value) ? Number(value) : Number.NaN;
  if (!(no >= 1 && no <= 2_147_483_647)) {
    throw new DomainError(
      'VALIDATION.INVALID_EPISODE_NO',
      'The episode number must be a positive integer',
      400,
    );
  }
  return no;
}
