import { applyDecorators } from '@nestjs/common';
import {
  ArrayMaxSize,
  IsArray,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';

/** Lower-case slugs: they appear in URLs and are matched exactly, never as patterns. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLUG_MESSAGE = '$property must be a lower-case slug (a-z, 0-9 and single dashes)';

/**
 * Optional, but present means valid: unlike @IsOptional it does not let `null` through, so
 * `{"title": null}` is a 400 instead of a title erased.
 */
export const OptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);

/** A non-empty string of at most `maxLength` characters. */
export const Text = (maxLength: number) =>
  applyDecorators(IsString(), IsNotEmpty(), MaxLength(maxLength));

/** One slug of at most `maxLength` characters. */
export const Slug = (maxLength: number) =>
  applyDecorators(IsString(), MaxLength(maxLength), Matches(SLUG, { message: SLUG_MESSAGE }));

/** A list of at most `maxItems` slugs, each at most `maxLength` characters. */
export const SlugList = (maxItems: number, maxLength: number) =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(maxItems),
    IsString({ each: true }),
    MaxLength(maxLength, { each: true }),
    Matches(SLUG, { each: true, message: SLUG_MESSAGE }),
  );
