import { Injectable } from '@nestjs/common';

/** The card number the simulated provider always declines (docs/payment.md). */
export const DECLINING_TEST_CARD = '4000000000000002';
/** The card used when a top-up names none; the provider accepts it. */
export const DEFAULT_TEST_CARD = '4242424242424242';

export type ChargeResult = { approved: true } | { approved: false; reason: 'CARD_DECLINED' };

/** Luhn check digit validation: rejects typos before anything is charged. */
export function isLuhnValid(cardNumber: string): boolean {
  if (!/^\d{12,19}$/.test(cardNumber)) return false;
  let sum = 0;
  for (let i = 0; i < cardNumber.length; i++) {
    let digit = Number(cardNumber[cardNumber.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * A stand-in for a card processor, inside the service so the platform runs offline. It
 * approves every valid card except DECLINING_TEST_CARD. A real provider would sit behind this
 * same method (and would be called with the top-up id as its own idempotency key).
 */
@Injectable()
export class CardProvider {
  charge(cardNumber: string, _amountCoins: number): Promise<ChargeResult> {
    return Promise.resolve(
      cardNumber === DECLINING_TEST_CARD
        ? { approved: false, reason: 'CARD_DECLINED' }
        : { approved: true },
    );
  }
}
