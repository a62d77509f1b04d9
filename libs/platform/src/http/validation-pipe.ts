import { BadRequestException, ValidationPipe } from '@nestjs/common';

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
}
