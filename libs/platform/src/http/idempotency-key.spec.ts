import { requestHash } from './idempotency-key';

describe('requestHash', () => {
  it('is the same for the same fields in any order, and differs when a value does', () => {
    expect(requestHash({ amount: 5, cardNumber: '1' })).toBe(
      requestHash({ cardNumber: '1', amount: 5 }),
    );
    expect(requestHash({ amount: 5 })).not.toBe(requestHash({ amount: 6 }));
    expect(requestHash({ amount: 5 })).not.toBe(requestHash({ amount: '5' }));
  });
});
