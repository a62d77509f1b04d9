import { Injectable } from '@nestjs/common';

/** The card number the simulated provider always declines (docs/payment.md). */
export const DECLINING_TEST_CARD = '4000000000000002';
/** The card used when a top-up names none; the provider accepts it. */
export const DEFAULT_TEST_CARD = '4242424242424242';

export interface ChargeRequest {
  /**
   * The top-up id. The provider charges at most once per key and answers a repeated key with
   * the first outcome: this is what lets payment ask again about a charge whose outcome it
   * did not record (a crash, a timeout) without charging twice.
   */
  idempotencyKey: string;
  cardNumber: string;
  amountCoins: number;
}

export type ChargeResult = { approved: true } | { approved: false; reason: 'CARD_DECLINED' };

/**
 * The provider could not be reached or did not answer: whether it charged is unknown, so the
 * top-up stays `pending` until a retry asks again with the same idempotency key.
 */
export class CardProviderUnavailableError extends Error {
  constructor(message = 'card provider unavailable') {
    super(message);
    this.name = 'CardProviderUnavailableError';
  }
}

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

/** How many distinct charges the simulated provider made, by outcome (for tests and metrics). */
export interface ChargeCounts {
  approved: number;
  declined: number;
}

/**
 * A stand-in for a card processor, inside the service so the platform runs offline. It
 * approves every valid card except DECLINING_TEST_CARD, and, as real processors do, keeps
 * the outcome of each idempotency key: a repeated key is answered from there, not charged
 * again. (Its memory is per instance; its outcome depends on the card only, so another
 * instance answers the same. A real provider keeps the keys on its side.)
 */
@Injectable()
export class CardProvider {
  private readonly outcomes = new Map<string, ChargeResult>();
  private readonly counts: ChargeCounts = { approved: 0, declined: 0 };

  charge(request: ChargeRequest): Promise<ChargeResult> {
    const known = this.outcomes.get(request.idempotencyKey);
    if (known) return Promise.resolve(known);
    const result: ChargeResult =
      request.cardNumber === DECLINING_TEST_CARD
        ? { approved: false, reason: 'CARD_DECLINED' }
        : { approved: true };
    this.outcomes.set(request.idempotencyKey, result);
    this.counts[result.approved ? 'approved' : 'declined'] += 1;
    return Promise.resolve(result);
  }

  /** Distinct charges made so far: a repeated idempotency key does not count. */
  chargeCounts(): ChargeCounts {
    return { ...this.counts };
  }
}
