import { type PipeTransform } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';

const ID_FORMATS = {
  /** PostgreSQL services' ids (any version, as PostgreSQL's uuid type reads them). */
  uuid: {
    pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    what: 'a uuid',
  },
  /**
   * MongoDB services' ids: 24 hex digits. Stricter than ObjectId.isValid, which also accepts
   * any 12-character string.
   */
  objectId: { pattern: /^[0-9a-f]{24}$/i, what: '24 hexadecimal digits' },
} as const;

export type IdFormat = keyof typeof ID_FORMATS;

/**
 * The one id check for path parameters: `@Param('id', idParam('uuid')) id: string`. An id that
 * cannot name a row or document is a 400 `VALIDATION.INVALID_ID` in the platform's error body
 * before any query runs, never a database error (500) or a lookup.
 */
export function idParam(format: IdFormat): PipeTransform<string, string> {
  const { pattern, what } = ID_FORMATS[format];
  return {
    transform(value: string): string {
      if (!pattern.test(value)) {
        throw new DomainError('VALIDATION.INVALID_ID', `The id must be ${what}`, 400);
      }
      return value;
    },
  };
}
