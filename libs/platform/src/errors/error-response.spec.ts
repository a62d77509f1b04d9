import {
  BadRequestException,
  ForbiddenException,
  InternalServerErrorException,
} from '@nestjs/common';
import { DomainError } from './domain-error';
import { toErrorResponse } from './error-response';

describe('toErrorResponse', () => {
  it('maps a domain error to its status, code, headers and details', () => {
    const error = new DomainError('AUTH.TOO_MANY_ATTEMPTS', 'Try later', 429, {
      'retry-after': '30',
    });
    expect(toErrorResponse(error, 'req-1')).toEqual({
      status: 429,
      headers: { 'retry-after': '30' },
      body: {
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'Try later',
        requestId: 'req-1',
        code: 'AUTH.TOO_MANY_ATTEMPTS',
      },
    });
  });

  it('keeps the per-field messages of a validation error', () => {
    const error = new BadRequestException(['email must be an email', 'password is too short']);
    const { status, body } = toErrorResponse(error, 'r');
    expect(status).toBe(400);
    expect(body.message).toEqual(['email must be an email', 'password is too short']);
    expect(body.error).toBe('Bad Request');
  });

  it('keeps the message of other client errors', () => {
    expect(toErrorResponse(new ForbiddenException('Requires role editor'), 'r').body).toMatchObject(
      {
        statusCode: 403,
        error: 'Forbidden',
        message: 'Requires role editor',
      },
    );
  });

  it("maps Fastify's body-too-large error to 413", () => {
    const fastifyError = Object.assign(new Error('Request body is too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect(toErrorResponse(fastifyError, 'r')).toMatchObject({
      status: 413,
      body: { error: 'Payload Too Large' },
    });
  });

  it('never reveals the message of an unexpected error', () => {
    const leak = new Error('duplicate key value violates unique constraint "users_email_key"');
    const { status, body } = toErrorResponse(leak, 'r');
    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toContain('users_email_key');
    expect(body.message).toBe('Internal server error');
  });

  it('hides the message of a 5xx HttpException too', () => {
    const { body } = toErrorResponse(
      new InternalServerErrorException('pool exhausted at db-3'),
      'r',
    );
    expect(body.message).toBe('Internal Server Error');
  });
});
