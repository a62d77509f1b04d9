import { CardProvider, DECLINING_TEST_CARD, DEFAULT_TEST_CARD, isLuhnValid } from './card-provider';

describe('simulated card provider', () => {
  it('accepts Luhn-valid numbers only', () => {
    expect(isLuhnValid(DEFAULT_TEST_CARD)).toBe(true);
    expect(isLuhnValid(DECLINING_TEST_CARD)).toBe(true);
    expect(isLuhnValid('4242424242424241')).toBe(false);
    expect(isLuhnValid('4242 4242 4242 4242')).toBe(false);
    expect(isLuhnValid('12345')).toBe(false);
  });

  it('declines the documented test card and approves others', async () => {
    const provider = new CardProvider();
    await expect(
      provider.charge({ idempotencyKey: 'k1', cardNumber: DECLINING_TEST_CARD, amountCoins: 10 }),
    ).resolves.toEqual({ approved: false, reason: 'CARD_DECLINED' });
    await expect(
      provider.charge({ idempotencyKey: 'k2', cardNumber: DEFAULT_TEST_CARD, amountCoins: 10 }),
    ).resolves.toEqual({ approved: true });
    expect(provider.chargeCounts()).toEqual({ approved: 1, declined: 1 });
  });

  it('charges once per idempotency key and answers a repeat with the first outcome', async () => {
    const provider = new CardProvider();
    const request = { idempotencyKey: 'k1', cardNumber: DEFAULT_TEST_CARD, amountCoins: 10 };
    await provider.charge(request);
    await expect(provider.charge(request)).resolves.toEqual({ approved: true });
    expect(provider.chargeCounts()).toEqual({ approved: 1, declined: 0 });
  });
});
