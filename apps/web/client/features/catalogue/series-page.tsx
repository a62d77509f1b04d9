import { call } from '../../api/http';
import type { EpisodeSummary, Page, Series } from '../../api/types';
import { coins, Link, Loaded } from '../../ui/status';
import { useLoad } from '../../ui/use-load';

/** One series and its episodes, each marked free or with its price. */
export function SeriesPage({ id }: { id: string }) {
  const [series] = useLoad(`series:${id}`, (signal) =>
    call<Series>('GET', `/api/webtoons/${encodeURIComponent(id)}`, { signal }),
  );
  const [episodes] = useLoad(`episodes:${id}`, (signal) =>
    call<Page<EpisodeSummary>>('GET', `/api/webtoons/${encodeURIComponent(id)}/episodes?limit=50`, {
      signal,
    }),
  );
  return (
    <Loaded load={series} what="the series">
      {(s) => (
        <section aria-labelledby="series-title">
          <p>
            <Link to="/">← All series</Link>
          </p>
          <h1 id="series-title">{s.title}</h1>
          <p className="muted">
            {s.genres.join(' · ')} · {s.status} · {s.viewCount} views
          </p>
          <p>{s.synopsis}</p>
          <h2>Episodes</h2>
          <Loaded load={episodes} what="episodes">
            {(page) =>
              page.items.length === 0 ? (
                <p className="muted">No episodes yet.</p>
              ) : (
                <ol className="episodes">
                  {page.items.map((e) => (
                    <li key={e.id}>
                      <Link to={`/series/${s.id}/episodes/${e.no}`}>
                        {e.no}. {e.title}
                      </Link>{' '}
                      <span className={e.priceCoins === 0 ? 'badge free' : 'badge paid'}>
                        {e.priceCoins === 0 ? 'Free' : coins(e.priceCoins)}
                      </span>
                    </li>
                  ))}
                </ol>
              )
            }
          </Loaded>
        </section>
      )}
    </Loaded>
  );
}
