import { randomUUID } from 'node:crypto';

/** One request of a scenario: `endpoint` is its route template, the key of its figures. */
export interface Step {
  endpoint: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** The statuses that count as success for this step. */
  expect: number[];
}

export interface Scenario {
  next(): Step;
}

export interface Catalogue {
  series: { id: string; free: number[]; paid: number[] }[];
  /** How many pages of 20 the catalogue list has. */
  pages: number;
  genres: string[];
}

export interface ReaderMix {
  /** Share of steps that are purchases by signed-in readers (0–1). */
  purchaseShare: number;
  /** Access tokens of the signed-in readers (purchases need at least one). */
  tokens: string[];
}

const pick = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)];

/**
 * Readers, as the platform's traffic looks: most list the catalogue, open a series, list its
 * episodes and read free ones; a small share of signed-in readers buy a paid episode
 * (202 started, or 409 when that reader already owns it or has a purchase in progress).
 */
export function readerScenario(
  catalogue: Catalogue,
  mix: ReaderMix,
  random: () => number = Math.random,
): Scenario {
  if (catalogue.series.length === 0) throw new Error('the catalogue is empty: nothing to read');
  const buyable = catalogue.series.filter((s) => s.paid.length > 0);
  const readable = catalogue.series.filter((s) => s.free.length > 0);
  const canBuy = mix.purchaseShare > 0 && buyable.length > 0 && mix.tokens.length > 0;
  return {
    next(): Step {
      if (canBuy && random() < mix.purchaseShare) {
        const s = pick(buyable, random);
        return {
          endpoint: 'POST /api/webtoons/:id/episodes/:no/purchase',
          method: 'POST',
          path: `/api/webtoons/${s.id}/episodes/${pick(s.paid, random)}/purchase`,
          headers: {
            authorization: `Bearer ${pick(mix.tokens, random)}`,
            'idempotency-key': randomUUID(),
          },
          expect: [202, 409],
        };
      }
      const r = random();
      const s = pick(catalogue.series, random);
      if (r < 0.3) {
        const page = 1 + Math.floor(random() * catalogue.pages);
        const genre =
          random() < 0.3 && catalogue.genres.length > 0 ? pick(catalogue.genres, random) : '';
        return {
          endpoint: 'GET /api/webtoons',
          method: 'GET',
          path: `/api/webtoons?page=${page}${genre ? `&genre=${genre}` : ''}`,
          expect: [200],
        };
      }
      if (r < 0.55) {
        return {
          endpoint: 'GET /api/webtoons/:id',
          method: 'GET',
          path: `/api/webtoons/${s.id}`,
          expect: [200],
        };
      }
      if (r < 0.75 || readable.length === 0) {
        return {
          endpoint: 'GET /api/webtoons/:id/episodes',
          method: 'GET',
          path: `/api/webtoons/${s.id}/episodes`,
          expect: [200],
        };
      }
      const free = pick(readable, random);
      return {
        endpoint: 'GET /api/webtoons/:id/episodes/:no',
        method: 'GET',
        path: `/api/webtoons/${free.id}/episodes/${pick(free.free, random)}`,
        expect: [200],
      };
    },
  };
}
