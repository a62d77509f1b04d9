import { type FormEvent } from 'react';
import { call } from '../../api/http';
import type { Episode, EpisodeSummary, Page, Series } from '../../api/types';
import { navigate } from '../../router';
import { useSession } from '../../session/session-store';
import { useDraft } from '../../ui/drafts';
import { ErrorMessage, Link, Loaded, Problems } from '../../ui/status';
import { useLoad } from '../../ui/use-load';
import { useSubmit } from '../../ui/use-submit';
import { episodeProblems, genresOf, imageUrlsOf, seriesProblems } from './author-forms';

/** webtoon lets authors and admins publish (its @Roles on POST /api/webtoons…). */
export const PUBLISHING_ROLES = ['author', 'admin'];

/**
 * The author's series: webtoon's list has no author filter, so the first pages of the
 * catalogue (up to 250 series, newest first) are searched for this author's id.
 */
async function seriesOf(authorId: string, signal: AbortSignal): Promise<Series[]> {
  const mine: (Series & { authorId?: string })[] = [];
  for (let page = 1; page <= 5; page++) {
    const found = await call<Page<Series & { authorId?: string }>>(
      'GET',
      `/api/webtoons?limit=50&page=${page}`,
      { signal, fresh: true },
    );
    mine.push(...found.items.filter((s) => s.authorId === authorId));
    if (page * found.limit >= found.total) break;
  }
  return mine;
}

export function AuthorPage() {
  const session = useSession();
  const userId = session.status === 'signed-in' ? session.user.id : '';
  const [series] = useLoad(`author:${userId}`, (signal) => seriesOf(userId, signal));
  const [draft, set, clear] = useDraft('author:new-series', [
    'title',
    'genres',
    'synopsis',
  ] as const);
  const { problems, error, busy, run } = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(seriesProblems(draft.title, draft.genres, draft.synopsis), async () => {
      const created = await call<Series>('POST', '/api/webtoons', {
        body: {
          title: draft.title.trim(),
          genres: genresOf(draft.genres),
          synopsis: draft.synopsis.trim() || undefined,
        },
      });
      clear();
      navigate(`/author/series/${created.id}`);
    });
  };
  return (
    <section aria-labelledby="author-title">
      <h1 id="author-title">Your series</h1>
      <Loaded load={series} what="your series">
        {(list) =>
          list.length === 0 ? (
            <p className="muted">You have not started a series yet.</p>
          ) : (
            <ul className="list">
              {list.map((s) => (
                <li key={s.id}>
                  <Link to={`/author/series/${s.id}`}>{s.title}</Link>{' '}
                  <span className="muted">
                    {s.episodeCount} {s.episodeCount === 1 ? 'episode' : 'episodes'}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <form onSubmit={submit} className="panel" aria-labelledby="new-series-title" noValidate>
        <h2 id="new-series-title">Start a series</h2>
        <label htmlFor="series-title">Title</label>
        <input
          id="series-title"
          value={draft.title}
          onChange={(e) => set('title', e.target.value)}
          required
        />
        <label htmlFor="series-genres">Genres</label>
        <input
          id="series-genres"
          aria-describedby="series-genres-help"
          value={draft.genres}
          onChange={(e) => set('genres', e.target.value)}
          required
        />
        <p id="series-genres-help" className="muted">
          1 to 5, separated by commas: fantasy, slice-of-life
        </p>
        <label htmlFor="series-synopsis">Synopsis</label>
        <textarea
          id="series-synopsis"
          rows={4}
          value={draft.synopsis}
          onChange={(e) => set('synopsis', e.target.value)}
        />
        <button type="submit" disabled={busy}>
          Create series
        </button>
        <Problems problems={problems} />
        {error && <ErrorMessage error={error} />}
      </form>
    </section>
  );
}

function EpisodeForm({ seriesId, published }: { seriesId: string; published: () => void }) {
  const [draft, set, clear] = useDraft(`author:${seriesId}:episode`, [
    'title',
    'price',
    'pages',
  ] as const);
  const { problems, error, busy, run } = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const price = draft.price.trim() || '0';
    void run(episodeProblems(draft.title, price, draft.pages), async () => {
      await call<Episode>('POST', `/api/webtoons/${encodeURIComponent(seriesId)}/episodes`, {
        body: {
          title: draft.title.trim(),
          priceCoins: Number(price),
          imageUrls: imageUrlsOf(draft.pages),
        },
      });
      clear();
      published();
    });
  };
  return (
    <form onSubmit={submit} className="panel" aria-labelledby="new-episode-title" noValidate>
      <h2 id="new-episode-title">Publish an episode</h2>
      <label htmlFor="episode-title">Episode title</label>
      <input
        id="episode-title"
        value={draft.title}
        onChange={(e) => set('title', e.target.value)}
        required
      />
      <label htmlFor="episode-price">Price in coins</label>
      <input
        id="episode-price"
        inputMode="numeric"
        aria-describedby="episode-price-help"
        value={draft.price}
        onChange={(e) => set('price', e.target.value)}
      />
      <p id="episode-price-help" className="muted">
        0 or empty: free to read.
      </p>
      <label htmlFor="episode-pages">Page images</label>
      <textarea
        id="episode-pages"
        rows={4}
        aria-describedby="episode-pages-help"
        value={draft.pages}
        onChange={(e) => set('pages', e.target.value)}
        required
      />
      <p id="episode-pages-help" className="muted">
        One image address per line, in reading order.
      </p>
      <button type="submit" disabled={busy}>
        Publish episode
      </button>
      <Problems problems={problems} />
      {error && <ErrorMessage error={error} />}
    </form>
  );
}

export function AuthorSeriesPage({ id }: { id: string }) {
  const key = encodeURIComponent(id);
  const [series] = useLoad(`author-series:${id}`, (signal) =>
    call<Series>('GET', `/api/webtoons/${key}`, { signal, fresh: true }),
  );
  const [episodes, reload] = useLoad(`author-episodes:${id}`, (signal) =>
    call<Page<EpisodeSummary>>('GET', `/api/webtoons/${key}/episodes?limit=50`, {
      signal,
      fresh: true,
    }),
  );
  return (
    <Loaded load={series} what="the series">
      {(s) => (
        <section aria-labelledby="author-series-title">
          <p>
            <Link to="/author">← Your series</Link> ·{' '}
            <Link to={`/series/${s.id}`}>Reader view</Link>
          </p>
          <h1 id="author-series-title">{s.title}</h1>
          <h2>Episodes</h2>
          <Loaded load={episodes} what="episodes">
            {(page) =>
              page.items.length === 0 ? (
                <p className="muted">No episodes yet: publish the first one below.</p>
              ) : (
                <ol className="list author-episodes">
                  {page.items.map((e) => (
                    <li key={e.id}>
                      <Link to={`/series/${s.id}/episodes/${e.no}`}>
                        {e.no}. {e.title}
                      </Link>{' '}
                      <span className="muted">
                        {e.priceCoins === 0 ? 'free' : `${e.priceCoins} coins`}
                      </span>
                    </li>
                  ))}
                </ol>
              )
            }
          </Loaded>
          <EpisodeForm seriesId={s.id} published={reload} />
        </section>
      )}
    </Loaded>
  );
}
