/** Client-side checks mirror payment's (1–100 000 000 coins, 12–19 digits); payment has the last word. */
export function topUpProblem(amount: string, card: string): string | undefined {
  const coinsWanted = Number(amount);
  if (!Number.isInteger(coinsWanted) || coinsWanted < 1 || coinsWanted > 100_000_000) {
    return 'Enter a whole number of coins between 1 and 100 000 000.';
  }
  if (!/^\d{12,19}$/.test(card.replace(/[\s-]/g, ''))) return 'A card number has 12 to 19 digits.';
  return undefined;
}
