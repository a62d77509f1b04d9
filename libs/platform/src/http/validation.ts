import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

// Each rule below applies its class-validator checks and the matching OpenAPI constraints
// together, so the document cannot promise more or less than the validation pipe enforces.
// Descriptions, examples and optionality stay with @ApiProperty/@ApiPropertyOptional on the
// field; those merge with what these add.

/** Lower-case slugs: they appear in URLs and are matched exactly, never as patterns. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLUG_MESSAGE = '$property must be a lower-case slug (a-z, 0-9 and single dashes)';

/**
 * What IsUrl accepts here: absolute http(s) URLs with a host name under a TLD. No `format: uri`:
 * IsUrl also takes non-ASCII characters in the path, which that format refuses.
 */
const HTTP_URL = { protocols: ['http', 'https'], require_protocol: true };
/** A port as IsUrl takes it: 1 to 65535, leading zeros allowed (`:0` and `:00` are refused). */
const PORT =
  '0*([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])';
export const HTTP_URL_PATTERN = `^https?://([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}(:${PORT})?(/[^\\s<>]*)?$`;

/**
 * Optional, but present means valid: unlike @IsOptional it does not let `null` through, so
 * `{"title": null}` is a 400 instead of a title erased.
 */
export const OptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);

/** A non-empty string of at most `maxLength` characters. */
export const Text = (maxLength: number) =>
  applyDecorators(
    IsString(),
    IsNotEmpty(),
    MaxLength(maxLength),
    ApiProperty({ type: String, minLength: 1, maxLength }),
  );

/** A string of `minLength` to `maxLength` characters. */
export const StringLength = (minLength: number, maxLength: number) =>
  applyDecorators(
    IsString(),
    Length(minLength, maxLength),
    ApiProperty({ type: String, minLength, maxLength }),
  );

/** A string matching `pattern` (anchored: the whole value). */
export const Pattern = (pattern: RegExp, message?: string) =>
  applyDecorators(
    IsString(),
    Matches(pattern, message === undefined ? undefined : { message }),
    ApiProperty({ type: String, pattern: pattern.source }),
  );

/** One slug of at most `maxLength` characters. */
export const Slug = (maxLength: number) =>
  applyDecorators(
    IsString(),
    MaxLength(maxLength),
    Matches(SLUG, { message: SLUG_MESSAGE }),
    ApiProperty({ type: String, maxLength, pattern: SLUG.source }),
  );

/** A list of at most `maxItems` slugs, each at most `maxLength` characters. */
export const SlugList = (maxItems: number, maxLength: number) =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(maxItems),
    IsString({ each: true }),
    MaxLength(maxLength, { each: true }),
    Matches(SLUG, { each: true, message: SLUG_MESSAGE }),
    ApiProperty({
      type: 'array',
      maxItems,
      items: { type: 'string', maxLength, pattern: SLUG.source },
    }),
  );

/** A list of `minItems` to `maxItems` strings, each matching `pattern`. */
export const PatternList = (minItems: number, maxItems: number, pattern: RegExp, message: string) =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(minItems),
    ArrayMaxSize(maxItems),
    IsString({ each: true }),
    Matches(pattern, { each: true, message }),
    ApiProperty({
      type: 'array',
      minItems,
      maxItems,
      items: { type: 'string', pattern: pattern.source },
    }),
  );

/** An integer from `minimum` to `maximum` (query parameters also need @Type(() => Number)). */
export const IntRange = (minimum: number, maximum: number) =>
  applyDecorators(
    IsInt(),
    Min(minimum),
    Max(maximum),
    ApiProperty({ type: 'integer', minimum, maximum }),
  );

/** One of `values`. */
export const OneOf = (values: readonly string[]) =>
  applyDecorators(IsIn(values), ApiProperty({ type: String, enum: [...values] }));

/** An email address of at most 254 characters (RFC 5321's limit). */
export const Email = () =>
  applyDecorators(
    IsEmail({}, { message: '$property must be a valid email address' }),
    MaxLength(254),
    ApiProperty({ type: String, format: 'email', maxLength: 254 }),
  );

/** An absolute http(s) URL of at most `maxLength` characters. */
export const HttpUrl = (maxLength: number) =>
  applyDecorators(
    IsUrl(HTTP_URL),
    MaxLength(maxLength),
    ApiProperty({ type: String, maxLength, pattern: HTTP_URL_PATTERN }),
  );

/** A list of `minItems` to `maxItems` absolute http(s) URLs, each at most `maxLength` characters. */
export const HttpUrlList = (minItems: number, maxItems: number, maxLength: number) =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(minItems),
    ArrayMaxSize(maxItems),
    IsUrl(HTTP_URL, { each: true }),
    MaxLength(maxLength, { each: true }),
    ApiProperty({
      type: 'array',
      minItems,
      maxItems,
      items: { type: 'string', maxLength, pattern: HTTP_URL_PATTERN },
    }),
  );
