// webtoon's limits (its OpenAPI): checked here first, the server's messages after.
const GENRE = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** "Fantasy, slice-of-life" → ["fantasy", "slice-of-life"]. */
export function genresOf(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\s]+/)
        .map((g) => g.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

export function seriesProblems(title: string, genres: string, synopsis: string): string[] {
  const problems: string[] = [];
  const list = genresOf(genres);
  if (title.trim().length === 0) problems.push('Give the series a title.');
  else if (title.trim().length > 200) problems.push('The title can have at most 200 characters.');
  if (list.length === 0 || list.length > 5) problems.push('Name 1 to 5 genres.');
  else if (!list.every((g) => GENRE.test(g))) {
    problems.push('Genres are single words of letters, digits and hyphens (up to 32).');
  }
  if (synopsis.length > 2000) problems.push('The synopsis can have at most 2000 characters.');
  return problems;
}

/** One page address per line. */
export function imageUrlsOf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

function isWebAddress(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

export function episodeProblems(title: string, price: string, pages: string): string[] {
  const problems: string[] = [];
  const urls = imageUrlsOf(pages);
  if (title.trim().length === 0) problems.push('Give the episode a title.');
  else if (title.trim().length > 200) problems.push('The title can have at most 200 characters.');
  if (!/^\d{1,5}$/.test(price.trim()) || Number(price) > 10_000) {
    problems.push('The price is a whole number of coins from 0 (free) to 10 000.');
  }
  if (urls.length === 0 || urls.length > 200) problems.push('List 1 to 200 page images.');
  else if (!urls.every(isWebAddress)) {
    problems.push('Every page image needs a web address (https://…), one per line.');
  }
  return problems;
}
