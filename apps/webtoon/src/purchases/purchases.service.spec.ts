import type { EventType } from '@lib/contracts';
import type { AuthUser } from '@lib/platform';
import { type OutboxPublisher } from '@lib/platform/postgres';
import { domainErrorOf } from '@lib/platform/testing';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '../config';
import type { EntitlementsRepository } from './entitlements.repository';
import type { PurchaseSettlements } from './purchase-settlements';
import type { PurchaseRow, PurchasesRepository } from './purchases.repository';
import { PurchasesService, toPurchaseResponse } from './purchases.service';

const tx = { name: 'tx' } as unknown as EntityManager;
const manager = { name: 'manager' } as unknown as EntityManager;
const reader: AuthUser = { id: 'u1', roles: ['reader'] };
const AT = new Date('2026-11-27T12:00:00.000Z');

function uniqueViolation(): QueryFailedError {
  return new QueryFailedError(
    'INSERT …',
    [],
    Object.assign(new Error('duplicate key'), { code: '23505' }),
  );
}

function row(overrides: Partial<PurchaseRow> = {}): PurchaseRow {
  return {
    id: 'p1',
    userId: 'u1',
    episodeId: 'e4',
    seriesId: 's1',
    episodeNo: 4,
    priceCoins: 3,
    status: 'pending',
    declineReason: null,
    idempotencyKey: 'key-0001',
    createdAt: AT,
    deadlineAt: new Date(AT.getTime() + 60_000),
    settledAt: null,
    ...overrides,
  };
}

interface Options {
  priceCoins?: number;
  authorId?: string;
  owned?: boolean;
  /** No such episode (never published, or deleted). */
  noEpisode?: boolean;
  /** What insertPending does: return the row, return nothing (key taken), or throw. */
  insert?: 'row' | 'nothing' | Error;
  /**
   * What the key has made, in order (the last one repeats): the first is what the request
   * finds before its transaction, the next ones what findByKey reads after that.
   */
  byKey?: (PurchaseRow | undefined)[];
  /** Statuses find answers for p1, in order (the last one repeats); default pending. */
  found?: PurchaseRow['status'][];
  /** What PurchaseSettlements.waitFor gives: a wait this test settles, or none. */
  settlements?: 'wait' | 'none';
}

function setup(options: Options = {}) {
  const published: { type: EventType; data: unknown }[] = [];
  const inserted: { purchase: Partial<PurchaseRow>; deadlineSeconds: number; db: EntityManager }[] =
    [];
  const byKey = [...(options.byKey ?? [undefined])];
  const found = [...(options.found ?? ['pending'])];
  let settle: () => void = () => undefined;
  const wait = {
    settled: new Promise<void>((resolve) => (settle = resolve)),
    close: jest.fn(),
  };
  const settlements = {
    waitFor: jest.fn(async () => (options.settlements === 'none' ? undefined : wait)),
  };
  const nextByKey = () => (byKey.length > 1 ? byKey.shift() : byKey[0]);
  const purchases = {
    requestContext: jest.fn(async () => ({
      earlierId: nextByKey()?.id ?? null,
      episode: options.noEpisode
        ? null
        : {
            id: 'e4',
            priceCoins: options.priceCoins ?? 3,
            authorId: options.authorId ?? 'author-1',
          },
      owned: options.owned ?? false,
    })),
    findByKey: jest.fn(async () => nextByKey()),
    find: jest.fn(async (_db: EntityManager, id: string) =>
      id === 'p1' ? row({ status: found.length > 1 ? found.shift() : found[0] }) : undefined,
    ),
    insertPending: jest.fn(
      async (db: EntityManager, purchase: Partial<PurchaseRow>, deadlineSeconds: number) => {
        inserted.push({ purchase, deadlineSeconds, db });
        const insert = options.insert ?? 'row';
        if (insert instanceof Error) throw insert;
        return insert === 'row' ? row({ ...purchase }) : undefined;
      },
    ),
  };
  const entitlements = { owns: jest.fn(async () => options.owned ?? false) };
  const dataSource = {
    manager,
    transaction: async <T>(work: (tx: EntityManager) => Promise<T>) => work(tx),
  } as unknown as DataSource;
  const outbox = {
    publish: async (_tx: EntityManager, type: EventType, data: unknown) =>
      void published.push({ type, data }),
  } as unknown as OutboxPublisher;
  const service = new PurchasesService(
    { PURCHASE_DEADLINE_SECONDS: 60 } as AppConfig,
    dataSource,
    purchases as unknown as PurchasesRepository,
    entitlements as unknown as EntitlementsRepository,
    outbox,
    settlements as unknown as PurchaseSettlements,
  );
  return {
    service,
    purchases,
    entitlements,
    published,
    inserted,
    settlements,
    wait,
    settle: () => settle(),
  };
}

describe('PurchasesService.request', () => {
  it('writes a pending purchase and its requested event in one transaction, at the episode price', async () => {
    const { service, published, inserted } = setup();
    const purchase = await service.request(reader, 's1', 4, 'key-0001');
    expect(inserted).toEqual([
      {
        db: tx,
        deadlineSeconds: 60,
        purchase: {
          id: expect.any(String),
          userId: 'u1',
          episodeId: 'e4',
          seriesId: 's1',
          episodeNo: 4,
          priceCoins: 3,
          idempotencyKey: 'key-0001',
        },
      },
    ]);
    expect(published).toEqual([
      {
        type: 'webtoon.purchase.requested.v1',
        data: {
          purchaseId: purchase.purchaseId,
          userId: 'u1',
          webtoonId: 's1',
          episodeNo: 4,
          priceCoins: 3,
        },
      },
    ]);
    expect(purchase).toEqual({
      purchaseId: inserted[0].purchase.id,
      status: 'pending',
      webtoonId: 's1',
      episodeNo: 4,
      priceCoins: 3,
      createdAt: AT.toISOString(),
      deadlineAt: '2026-11-27T12:01:00.000Z',
    });
  });

  it('answers a retried key with the purchase it made, whatever its state, and writes nothing', async () => {
    const completed = row({ status: 'completed', settledAt: new Date(AT.getTime() + 500) });
    // A replay answers even if the episode has gone since.
    const { service, published, inserted } = setup({ byKey: [completed], noEpisode: true });
    await expect(service.request(reader, 's1', 4, 'key-0001')).resolves.toEqual(
      toPurchaseResponse(completed),
    );
    expect(inserted).toEqual([]);
    expect(published).toEqual([]);
  });

  it('answers 404 WEBTOON.EPISODE_NOT_FOUND for an episode that does not exist', async () => {
    const { service, inserted } = setup({ noEpisode: true });
    const error = await domainErrorOf(service.request(reader, 's1', 4, 'key-0001'));
    expect([error.code, error.status]).toEqual(['WEBTOON.EPISODE_NOT_FOUND', 404]);
    expect(inserted).toEqual([]);
  });

  it.each([
    ['another episode', 's1', 5],
    ['another series', 's2', 4],
  ])('answers 422 IDEMPOTENCY_KEY.REUSED to a key used for %s', async (_name, seriesId, no) => {
    const { service, inserted } = setup({ byKey: [row()] });
    const error = await domainErrorOf(service.request(reader, seriesId, no, 'key-0001'));
    expect([error.code, error.status]).toEqual(['IDEMPOTENCY_KEY.REUSED', 422]);
    expect(inserted).toEqual([]);
  });

  it('answers 422 WEBTOON.EPISODE_FREE for a free episode', async () => {
    const { service, inserted } = setup({ priceCoins: 0 });
    const error = await domainErrorOf(service.request(reader, 's1', 4, 'key-0001'));
    expect([error.code, error.status]).toEqual(['WEBTOON.EPISODE_FREE', 422]);
    expect(inserted).toEqual([]);
  });

  it('answers 409 WEBTOON.ALREADY_OWNED to an owner and to the series author', async () => {
    const owner = setup({ owned: true });
    const a = await domainErrorOf(owner.service.request(reader, 's1', 4, 'key-0001'));
    expect([a.code, a.status]).toEqual(['WEBTOON.ALREADY_OWNED', 409]);
    const author = setup({ authorId: 'u1' });
    const b = await domainErrorOf(author.service.request(reader, 's1', 4, 'key-0001'));
    expect([b.code, b.status]).toEqual(['WEBTOON.ALREADY_OWNED', 409]);
    expect([...owner.inserted, ...author.inserted]).toEqual([]);
  });

  it('answers with the purchase a concurrent request with the same key committed first', async () => {
    const theirs = row({ id: 'p-first' });
    const { service, published } = setup({ insert: 'nothing', byKey: [undefined, theirs] });
    await expect(service.request(reader, 's1', 4, 'key-0001')).resolves.toMatchObject({
      purchaseId: 'p-first',
      status: 'pending',
    });
    expect(published).toEqual([]);
  });

  it('answers with the same-key purchase when the insert hit a unique index', async () => {
    const theirs = row({ id: 'p-first' });
    const { service } = setup({ insert: uniqueViolation(), byKey: [undefined, theirs] });
    await expect(service.request(reader, 's1', 4, 'key-0001')).resolves.toMatchObject({
      purchaseId: 'p-first',
    });
  });

  it('answers 409 WEBTOON.PURCHASE_IN_PROGRESS while another key’s purchase of the episode is live', async () => {
    const { service, entitlements } = setup({ insert: uniqueViolation() });
    const error = await domainErrorOf(service.request(reader, 's1', 4, 'key-0002'));
    expect([error.code, error.status]).toEqual(['WEBTOON.PURCHASE_IN_PROGRESS', 409]);
    // Asked once more after the conflict: it may have completed meanwhile.
    expect(entitlements.owns).toHaveBeenCalledTimes(1);
  });

  it('answers 409 WEBTOON.ALREADY_OWNED when the live purchase completed meanwhile', async () => {
    const { service, entitlements } = setup({ insert: uniqueViolation() });
    entitlements.owns.mockResolvedValueOnce(true);
    const error = await domainErrorOf(service.request(reader, 's1', 4, 'key-0002'));
    expect([error.code, error.status]).toEqual(['WEBTOON.ALREADY_OWNED', 409]);
  });

  it('lets any other database failure through (a 500, retried by the client with its key)', async () => {
    const failure = new QueryFailedError(
      'INSERT …',
      [],
      Object.assign(new Error('x'), { code: '40001' }),
    );
    const { service } = setup({ insert: failure });
    await expect(service.request(reader, 's1', 4, 'key-0001')).rejects.toBe(failure);
  });
});

describe('PurchasesService.get', () => {
  it("answers the buyer's purchase and hides it from anyone else as a 404", async () => {
    const { service } = setup();
    await expect(service.get(reader, 'p1')).resolves.toMatchObject({ purchaseId: 'p1' });
    for (const [user, id] of [
      [{ id: 'u2', roles: ['admin'] } as AuthUser, 'p1'],
      [reader, 'p-unknown'],
    ] as const) {
      const error = await domainErrorOf(service.get(user, id));
      expect([error.code, error.status]).toEqual(['WEBTOON.PURCHASE_NOT_FOUND', 404]);
    }
  });
});

describe('PurchasesService.get with Prefer: wait', () => {
  it('answers a settled purchase at once, and asks nothing of the listener without a wait', async () => {
    const { service, purchases, wait } = setup({ found: ['completed'] });
    await expect(service.get(reader, 'p1', 3)).resolves.toMatchObject({ status: 'completed' });
    expect(purchases.find).toHaveBeenCalledTimes(1);
    expect(wait.close).toHaveBeenCalledTimes(1);
    const pending = setup();
    await expect(pending.service.get(reader, 'p1')).resolves.toMatchObject({ status: 'pending' });
    expect(pending.settlements.waitFor).not.toHaveBeenCalled();
  });

  it('listens before it reads, then answers a pending purchase once it settles', async () => {
    const { service, purchases, settlements, wait, settle } = setup({
      found: ['pending', 'completed'],
    });
    const answer = service.get(reader, 'p1', 3);
    await waitUntil(() => purchases.find.mock.calls.length === 1);
    expect(settlements.waitFor.mock.invocationCallOrder[0]).toBeLessThan(
      purchases.find.mock.invocationCallOrder[0],
    );
    expect(wait.close).not.toHaveBeenCalled();
    settle();
    await expect(answer).resolves.toMatchObject({ status: 'completed' });
    expect(purchases.find).toHaveBeenCalledTimes(2);
    expect(wait.close).toHaveBeenCalledTimes(1);
  });

  it('answers the pending purchase when the client hangs up or the time is up', async () => {
    const hangUp = setup();
    const gone = new AbortController();
    const answer = hangUp.service.get(reader, 'p1', 3, gone.signal);
    await waitUntil(() => hangUp.purchases.find.mock.calls.length === 1);
    gone.abort();
    await expect(answer).resolves.toMatchObject({ status: 'pending' });
    expect(hangUp.wait.close).toHaveBeenCalledTimes(1);

    jest.useFakeTimers();
    try {
      const timeUp = setup();
      const late = timeUp.service.get(reader, 'p1', 2);
      await jest.advanceTimersByTimeAsync(1_999);
      expect(timeUp.wait.close).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);
      await expect(late).resolves.toMatchObject({ status: 'pending' });
      expect(timeUp.wait.close).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers at once when this instance cannot wait (too many waiting, no LISTEN)', async () => {
    const { service, purchases } = setup({ settlements: 'none' });
    await expect(service.get(reader, 'p1', 3)).resolves.toMatchObject({ status: 'pending' });
    expect(purchases.find).toHaveBeenCalledTimes(1);
  });

  it('hides another user’s purchase as a 404 and stops listening', async () => {
    const { service, wait } = setup();
    const error = await domainErrorOf(service.get({ id: 'u2', roles: ['reader'] }, 'p1', 3));
    expect(error.status).toBe(404);
    expect(wait.close).toHaveBeenCalledTimes(1);
  });
});

/** Lets the service's awaits run until `condition` holds (bounded, no timers). */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100 && !condition(); turn++) await Promise.resolve();
  expect(condition()).toBe(true);
}

describe('toPurchaseResponse', () => {
  it('names the reason of a decline as declineReason and of an expiry as expiredReason', () => {
    const settledAt = new Date(AT.getTime() + 1000);
    expect(
      toPurchaseResponse(
        row({ status: 'declined', declineReason: 'INSUFFICIENT_FUNDS', settledAt }),
      ),
    ).toEqual(
      expect.objectContaining({
        status: 'declined',
        declineReason: 'INSUFFICIENT_FUNDS',
        settledAt: settledAt.toISOString(),
      }),
    );
    const expired = toPurchaseResponse(
      row({ status: 'expired', declineReason: 'PAYMENT_TIMEOUT', settledAt }),
    );
    expect(expired).toMatchObject({ status: 'expired', expiredReason: 'PAYMENT_TIMEOUT' });
    expect(expired).not.toHaveProperty('declineReason');
    const pending = toPurchaseResponse(row());
    expect(pending).not.toHaveProperty('settledAt');
    expect(pending).not.toHaveProperty('declineReason');
    expect(pending).not.toHaveProperty('expiredReason');
  });
});
