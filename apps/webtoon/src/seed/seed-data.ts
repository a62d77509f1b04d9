/** Fixed ids, so seeding twice (or on several instances) finds the same rows and adds nothing. */
const id = (n: number) => `5eed0000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** The demo author every seed series belongs to (a user id as auth would issue it). */
export const SEED_AUTHOR_ID = id(0);

export interface SeedEpisode {
  id: string;
  no: number;
  title: string;
  priceCoins: number;
}

export interface SeedSeries {
  id: string;
  title: string;
  genres: string[];
  synopsis: string;
  status: 'ongoing' | 'completed';
  episodes: SeedEpisode[];
}

const series = (
  n: number,
  title: string,
  genres: string[],
  synopsis: string,
  status: 'ongoing' | 'completed',
  free: number,
  prices: number[],
): SeedSeries => ({
  id: id(n * 1000),
  title,
  genres,
  synopsis,
  status,
  episodes: [
    ...Array.from({ length: free }, (_, i) => ({ no: i + 1, priceCoins: 0 })),
    ...prices.map((priceCoins, i) => ({ no: free + i + 1, priceCoins })),
  ].map(({ no, priceCoins }) => ({
    id: id(n * 1000 + no),
    no,
    title: `${title} #${no}`,
    priceCoins,
  })),
});

/** Three series: free first episodes, then paid ones at a few prices. */
export const SEED_SERIES: SeedSeries[] = [
  series(
    1,
    'Tower of the Night Sky',
    ['fantasy', 'action'],
    'A climber who cannot see the stars sets out to reach them.',
    'ongoing',
    3,
    [3, 3, 5],
  ),
  series(
    2,
    'Lunch Break Detectives',
    ['comedy', 'mystery'],
    'Two office workers solve one small mystery per lunch hour.',
    'ongoing',
    2,
    [2, 2],
  ),
  series(
    3,
    'Salt and Static',
    ['romance', 'drama'],
    'A radio host and a fisherman, one frequency apart.',
    'completed',
    4,
    [4],
  ),
];

export function imageUrls(seriesId: string, no: number): string[] {
  return [1, 2, 3].map((page) => `https://cdn.example.com/webtoons/${seriesId}/${no}/${page}.jpg`);
}
