import { episodeProblems, genresOf, imageUrlsOf, seriesProblems } from './author-forms';

describe('author forms', () => {
  it('reads genres as lowercase slugs, once each', () => {
    expect(genresOf(' Fantasy, slice-of-life fantasy ')).toEqual(['fantasy', 'slice-of-life']);
    expect(genresOf('')).toEqual([]);
  });

  it('checks a series against webtoon limits', () => {
    expect(seriesProblems('', '', '')).toEqual(['Give the series a title.', 'Name 1 to 5 genres.']);
    expect(seriesProblems('Title', 'a b c d e f', '')).toEqual(['Name 1 to 5 genres.']);
    expect(seriesProblems('Title', 'sci_fi', '')).toEqual([
      'Genres are single words of letters, digits and hyphens (up to 32).',
    ]);
    expect(seriesProblems('Title', 'drama', 's'.repeat(2001))).toEqual([
      'The synopsis can have at most 2000 characters.',
    ]);
    expect(seriesProblems('Title', 'drama, comedy', 'A synopsis')).toEqual([]);
  });

  it('checks an episode: title, a price in coins, page images one per line', () => {
    expect(imageUrlsOf('https://a.example/1.jpg\n\n https://a.example/2.jpg ')).toEqual([
      'https://a.example/1.jpg',
      'https://a.example/2.jpg',
    ]);
    expect(episodeProblems('', '-1', '')).toEqual([
      'Give the episode a title.',
      'The price is a whole number of coins from 0 (free) to 10 000.',
      'List 1 to 200 page images.',
    ]);
    expect(episodeProblems('One', '10001', 'ftp://a.example/1.jpg')).toEqual([
      'The price is a whole number of coins from 0 (free) to 10 000.',
      'Every page image needs a web address (https://…), one per line.',
    ]);
    expect(episodeProblems('One', '0', 'https://a.example/1.jpg')).toEqual([]);
  });
});
