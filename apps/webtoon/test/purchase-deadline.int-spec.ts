import { randomUUID } from 'node:crypto';
import { waitFor } from '@lib/platform/testing';
import { SagaWorld, type Bought } from './support/saga-world';

jest.setTimeout(180_000);

const metric = async (url: string, name: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line ? Number(line.split(' ').pop()) : 0;
};

/**
 * Deadlines and compensation: a purchase always ends, and money always balances, with the
 * real webtoon and payment processes on the dev stack.
 */
describe('purchase deadlines: expiry, buying again, refund of a late debit', () => {
  let world: SagaWorld;

  beforeAll(async () => {
    world = await SagaWorld.start({
      prefix: `it-deadline-${randomUUID().slice(0, 8)}.`,
      webtoon: { PURCHASE_DEADLINE_SECONDS: '2', PURCHASE_SWEEP_INTERVAL_MS: '100' },
      payment: { SIGNUP_BONUS_COINS: '20' },
    });
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('expires a purchase payment does not answer, lets the reader buy again, refunds the late debit', async () => {
    const userId = await world.signUp();
    const seriesId = await world.series([3]);
    await world.payment.stop();

    const key = randomUUID();
    const first = await world.buy(userId, seriesId, 1, key);
    expect(first.status).toBe(202);
    const purchaseId = first.body.purchaseId as string;
    const expired = await waitFor(async () => {
      const now = await world.purchase(userId, purchaseId);
      return now.status === 'pending' ? undefined : now;
    }, 30_000);
    expect(expired).toMatchObject({ status: 'expired', expiredReason: 'PAYMENT_TIMEOUT' });
    expect(Date.parse(expired.settledAt as string)).toBeGreaterThanOrEqual(
      Date.parse(expired.deadlineAt as string),
    );
    // The same key answers with the same (expired) purchase.
    expect((await world.buy(userId, seriesId, 1, key)).body).toMatchObject({
      purchaseId,
      status: 'expired',
    });
    const webtoonAdmin = await world.webtoon[0].adminUrl;
    // Counted once the sweeper's transaction has committed, a moment after the row reads expired.
    await waitFor(
      async () =>
        (await metric(webtoonAdmin, 'purchases_expired_total')) === 1 ? true : undefined,
      10_000,
    );

    // Payment comes back: it debits the old request, then reads the expiry and refunds it.
    await world.payment.start();
    await world.compensated([{ userId, purchaseId, priceCoins: 3 }], 60_000);
    const ofFirst = (await world.transactions(userId))
      .filter((t) => t.reference === purchaseId)
      .map((t) => [t.kind, t.amount]);
    expect(ofFirst).toEqual([
      ['purchase_refund', 3],
      ['purchase', -3],
    ]);
    const paymentAdmin = await world.payment.adminUrl;
    await waitFor(
      async () => ((await metric(paymentAdmin, 'purchase_refunds_total')) === 1 ? true : undefined),
      10_000,
    );
    expect((await world.purchase(userId, purchaseId)).status).toBe('expired');

    // A new key buys it again, and this time payment answers in time.
    const again = await world.buy(userId, seriesId, 1);
    expect(again.status).toBe(202);
    expect(again.body.purchaseId).not.toBe(purchaseId);
    const bought: Bought[] = [
      { userId, purchaseId, priceCoins: 3 },
      { userId, purchaseId: again.body.purchaseId as string, priceCoins: 3 },
    ];
    await world.drained(bought, 30_000);
    expect((await world.purchase(userId, again.body.purchaseId as string)).status).toBe(
      'completed',
    );
    expect((await world.wallet(userId))?.balance).toBe(17);
    const audit = await world.audit(bought);
    expect(audit).toMatchObject({
      byStatus: { expired: 1, completed: 1 },
      duplicates: 0,
      imbalance: 0,
      refunds: 1,
      violations: [],
    });
    // The gauge counts every pending row of the database at scrape time, other suites' too:
    // wait until their deadlines (60 s at most) have expired them as well.
    await waitFor(
      async () => ((await metric(webtoonAdmin, 'purchases_pending')) === 0 ? true : undefined),
      75_000,
    );
  });
});

/**
 * The race the rule is about: payment's success and the deadline at the same moment. Webtoon's
 * purchase row decides: whoever moves it out of `pending` first wins (the success handler's
 * `UPDATE … WHERE status = 'pending'`, the sweeper's `FOR UPDATE SKIP LOCKED`), so each
 * purchase ends either completed (debited, entitled, never refunded) or expired (refunded if
 * it was debited). Deadlines here are about as long as payment's answer (two webtoon
 * instances, one with 0.3 s and one with 1.5 s deadlines, both sweeping every 20 ms), so
 * outcomes and sweeps land on both sides of the same instant.
 */
describe('purchase deadlines: success and expiry racing', () => {
  let world: SagaWorld;

  beforeAll(async () => {
    world = await SagaWorld.start({
      prefix: `it-race-${randomUUID().slice(0, 8)}.`,
      webtoon: { PURCHASE_SWEEP_INTERVAL_MS: '20' },
      perInstance: [{ PURCHASE_DEADLINE_SECONDS: '0.3' }, { PURCHASE_DEADLINE_SECONDS: '1.5' }],
      payment: { SIGNUP_BONUS_COINS: '100' },
      webtoonInstances: 2,
    });
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('ends each purchase completed or expired + refunded, never both, and the money adds up', async () => {
    const users = await Promise.all(Array.from({ length: 20 }, () => world.signUp()));
    const seriesId = await world.series([2, 2, 2]);
    // A few at a time, so each purchase's answer takes about as long as a deadline.
    const orders = users.flatMap((userId) => [1, 2, 3].map((no) => ({ userId, no })));
    const accepted: Bought[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = next++; i < orders.length; i = next++) {
          const { userId, no } = orders[i];
          const res = await world.buy(userId, seriesId, no);
          expect(res.status).toBe(202);
          accepted.push({ userId, purchaseId: res.body.purchaseId as string, priceCoins: 2 });
        }
      }),
    );
    await world.drained(accepted, 60_000);
    await world.compensated(accepted, 60_000);
    const audit = await world.audit(accepted);
    console.log(`race: ${JSON.stringify(audit)}`);
    expect(audit).toMatchObject({ purchases: 60, duplicates: 0, imbalance: 0, violations: [] });
    expect((audit.byStatus.completed ?? 0) + (audit.byStatus.expired ?? 0)).toBe(60);
    for (const userId of users) {
      const completed = (await world.transactions(userId)).filter((t) => t.kind === 'purchase');
      const refunded = (await world.transactions(userId)).filter(
        (t) => t.kind === 'purchase_refund',
      );
      const balance = (await world.wallet(userId))?.balance;
      expect(balance).toBe(100 - 2 * completed.length + 2 * refunded.length);
    }
  });
});
