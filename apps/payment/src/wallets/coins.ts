/**
 * PostgreSQL `bigint` (balances, amounts, counts) arrives from the driver as a decimal string.
 * It is turned into a JavaScript number only when it is a safe integer (≤ 2^53 − 1): beyond
 * that a number would silently round, so the read fails loudly instead (docs/payment.md).
 */
export function coinsFromDb(value: string | number): number {
  const text = String(value);
  if (!/^-?\d+$/.test(text)) throw new RangeError(`not an integer amount: ${text}`);
  const coins = Number(text);
  if (!Number.isSafeInteger(coins)) {
    throw new RangeError(`amount beyond Number.MAX_SAFE_INTEGER: ${text}`);
  }
  return coins;
}

/** As coinsFromDb, keeping SQL NULL. */
export function optionalCoinsFromDb(value: string | number | null): number | null {
  return value === null ? null : coinsFromDb(value);
}
