import { DomainError } from '../errors/domain-error';
import { domainErrorOf } from './domain-error-of';

describe('domainErrorOf', () => {
  it('gives the DomainError a promise rejects with', async () => {
    const error = await domainErrorOf(
      Promise.reject(new DomainError('PAYMENT.INSUFFICIENT_FUNDS', 'Not enough coins', 402)),
    );
    expect({ code: error.code, status: error.status }).toEqual({
      code: 'PAYMENT.INSUFFICIENT_FUNDS',
      status: 402,
    });
  });

  it('fails when the promise resolves', async () => {
    await expect(domainErrorOf(Promise.resolve('fine'))).rejects.toThrow('the promise resolved');
  });

  it('fails when the promise rejects with another error', async () => {
    await expect(domainErrorOf(Promise.reject(new TypeError('boom')))).rejects.toThrow(
      'expected a DomainError, got: TypeError: boom',
    );
  });
});
