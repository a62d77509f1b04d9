import { call } from '../../api/http';
import type { Purchase } from '../../api/types';

/** Starts a purchase; the key makes a double click or a retried request buy once. */
export function startPurchase(
  seriesId: string,
  no: number,
  idempotencyKey: string,
): Promise<Purchase> {
  return call<Purchase>(
    'POST',
    `/api/webtoons/${encodeURIComponent(seriesId)}/episodes/${no}/purchase`,
    {
      idempotencyKey,
    },
  );
}

/**
 * Follows a purchase until it leaves `pending` (payment debits the wallet through Kafka,
 * usually well under a second) or until `deadlineMs` passes; reports every state it sees.
 * Each read waits for the change (`Prefer: wait`); the pause between reads only matters if
 * the API answered pending at once.
 */
export async function followPurchase(
  purchaseId: string,
  onState: (purchase: Purchase) => void,
  options: { signal: AbortSignal; intervalMs?: number; deadlineMs?: number },
): Promise<Purchase | undefined> {
  const deadline = Date.now() + (options.deadlineMs ?? 60_000);
  let waitMs = options.intervalMs ?? 300;
  while (!options.signal.aborted && Date.now() < deadline) {
    const purchase = await call<Purchase>(
      'GET',
      `/api/webtoons/purchases/${encodeURIComponent(purchaseId)}`,
      // Answered as soon as it settles (or pending after 3 s), so no poll is wasted.
      { signal: options.signal, waitSeconds: 3 },
    );
    onState(purchase);
    if (purchase.status !== 'pending') return purchase;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    waitMs = Math.min(waitMs * 1.5, 3_000);
  }
  return undefined;
}
