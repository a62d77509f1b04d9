import { DomainError } from '../errors/domain-error';

/**
 * The DomainError `promise` rejects with, for a spec to check its code and status; throws
 * when the promise resolves or rejects with anything else.
 */
export async function domainErrorOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw new Error(`expected a DomainError, got: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a DomainError, but the promise resolved');
}
