import { createHash } from 'node:crypto';
import { requestFingerprint } from './request-fingerprint';

describe('requestFingerprint', () => {
  const request = { amount: 25, cardNumber: '4242424242424242' };

  it('is stable for one key and request, and differs with the amount or the card', () => {
    const key = 'k'.repeat(32);
    expect(requestFingerprint(key, request)).toBe(requestFingerprint(key, { ...request }));
    expect(requestFingerprint(key, { ...request, amount: 26 })).not.toBe(
      requestFingerprint(key, request),
    );
    expect(requestFingerprint(key, { ...request, cardNumber: '4000000000000002' })).not.toBe(
      requestFingerprint(key, request),
    );
  });

  it('depends on the secret key, so it is not an unsalted hash anyone can recompute', () => {
    const plain = createHash('sha256')
      .update(
        JSON.stringify([
          ['amount', 25],
          ['cardNumber', '4242424242424242'],
        ]),
      )
      .digest('hex');
    const a = requestFingerprint('a'.repeat(32), request);
    expect(a).not.toBe(requestFingerprint('b'.repeat(32), request));
    expect(a).not.toBe(plain);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});
