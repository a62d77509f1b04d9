import type { EventEnvelope } from '@lib/contracts';
import type { MongoEventTx } from '@lib/platform/mongo';
import type { ArticlesService } from '../articles/articles.service';
import { WriteArticleWhenEpisodePublishedHandler } from './write-article-when-episode-published.handler';

const valid = {
  webtoonId: 'w1',
  webtoonTitle: 'Tower',
  episodeId: 'ep-1',
  episodeNo: 1,
  title: 'Start',
  authorId: 'a1',
  priceCoins: 2,
  publishedAt: '2026-03-01T00:00:00.000Z',
};

describe('WriteArticleWhenEpisodePublishedHandler', () => {
  const announceEpisode = jest.fn().mockResolvedValue(undefined);
  const handler = new WriteArticleWhenEpisodePublishedHandler({
    announceEpisode,
  } as unknown as ArticlesService);
  const tx = {} as MongoEventTx;
  const event = (data: object) =>
    ({ id: 'e1', data }) as EventEnvelope<'webtoon.episode.published.v1'>;

  beforeEach(() => announceEpisode.mockClear());

  it('hands a well-formed episode to the service', async () => {
    await handler.handle(event(valid), tx);
    expect(announceEpisode).toHaveBeenCalledWith(event(valid), tx);
  });

  it.each([
    ['no episode id', { ...valid, episodeId: undefined }],
    ['an operator as title', { ...valid, title: { $gt: '' } }],
    ['a fractional episode number', { ...valid, episodeNo: 1.5 }],
    ['an unparsable date', { ...valid, publishedAt: 'yesterday' }],
  ])('fails on %s, so the event ends in the dead letters', async (_case, data) => {
    await expect(handler.handle(event(data), tx)).rejects.toThrow('malformed');
    expect(announceEpisode).not.toHaveBeenCalled();
  });
});
