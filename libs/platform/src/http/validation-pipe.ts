import {
  type ArgumentMetadata,
  BadRequestException,
  type Type,
  ValidationPipe,
} from '@nestjs/common';

const DECIMAL_INTEGER = /^-?\d+$/;

/**
 * Every app's global pipe: unknown fields refused, known ones transformed to their DTO types;
 * its 400s list one message per invalid field and carry the code `VALIDATION.FAILED`.
 */
export class PlatformValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true });
    this.exceptionFactory = (errors) =>
      new BadRequestException({
        message: this.flattenValidationErrors(errors),
        code: 'VALIDATION.FAILED',
      });
  }

  /**
   * An absent body validates as `{}` (a PATCH with nothing to change), but a JSON `null` is not
   * an object: Nest would turn it into `{}` too, so the document's object type would not hold.
   */
  protected override toEmptyIfNil<T = unknown, R = T>(
    value: T,
    metatype: Type<unknown> | object,
  ): R | object | string {
    if (value === null) {
      throw new BadRequestException({
        message: ['the body must be a JSON object'],
        code: 'VALIDATION.FAILED',
      });
    }
    return super.toEmptyIfNil<T, R>(value, metatype);
  }

  /**
   * A path or query parameter typed `number` is converted with `Number()`, which reads `0x1`
   * as 1 and `1e3` as 1000: a number a client did not write. Only decimal digits convert;
   * anything else is a 400 before the parameter's own pipe or the handler sees it.
   */
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    const { type, metatype, data } = metadata;
    if (
      data &&
      (type === 'param' || type === 'query') &&
      metatype === Number &&
      typeof value === 'string' &&
      !DECIMAL_INTEGER.test(value)
    ) {
      throw new BadRequestException({
        message: [`${data} must be a decimal integer`],
        code: 'VALIDATION.FAILED',
      });
    }
    return super.transformPrimitive(value, metadata);
  }
}
