import { createHmac } from 'node:crypto';

/**
 * What makes two top-ups "the same request" for an Idempotency-Key: an HMAC-SHA256, under a
 * secret key from env (PAYMENT_FINGERPRINT_KEY), of the amount and the card number. A plain
 * hash of a card number can be reversed by trying every number of a BIN (about 10^9 candidates
 * with the Luhn digit); without the key it cannot. The card number itself is never stored.
 */
export function requestFingerprint(
  key: string,
  request: { amount: number; cardNumber: string },
): string {
  const canonical = JSON.stringify([
    ['amount', request.amount],
    ['cardNumber', request.cardNumber],
  ]);
  return createHmac('sha256', key).update(canonical).digest('hex');
}
