import { createHash } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { DomainError } from '../errors/domain-error';

const KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The request's `Idempotency-Key` header, required and validated (8–128 safe characters),
 * so a retried request can be recognised and answered with the first one's result.
 */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const value = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[
      'idempotency-key'
    ];
    if (typeof value !== 'string' || !KEY_PATTERN.test(value)) {
      throw new DomainError(
        'IDEMPOTENCY_KEY.INVALID',
        'An Idempotency-Key header of 8-128 characters [A-Za-z0-9._:-] is required',
        400,
      );
    }
    return value;
  },
);

/** Documents the header IdempotencyKey() reads, with the same pattern. */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description:
      'Chosen by the client, one per intended operation: a retry with the same key gets the first answer',
    schema: { type: 'string', pattern: KEY_PATTERN.source },
  });

/** A stable fingerprint of a request body, to tell a retry from a different request under the same key. */
export function requestHash(body: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(body)
      .sort()
      .map((key) => [key, body[key]]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}
