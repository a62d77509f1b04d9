import { useState, type FormEvent } from 'react';
import { call } from '../../api/http';
import type { Page, Series } from '../../api/types';
import { navigate, queryParam, useLocation } from '../../router';
import { Link, Loaded } from '../../ui/status';
import { useLoad } from '../../ui/use-load';

function listPath(genre: string | undefined, q: string | undefined): string {
  const query = new URLSearchParams({ limit: '50' });
  if (genre) query.set('genre', genre);
  if (q) query.set('q', q);
  return `/api/webtoons?${query}`;
}

/** The catalogue: every series, narrowed by genre and by a search in the titles. */
export function CataloguePage() {
  const location = useLocation();
  const genre = queryParam(location, 'genre');
  const q = queryParam(location, 'q');
  const [search, setSearch] = useState(q ?? '');
  const [series] = useLoad(listPath(genre, q), (signal) =>
    call<Page<Series>>('GET', listPath(genre, q), { signal }),
  );
  // The genres on offer come from the whole catalogue, not from the filtered page.
  const [all] = useLoad('genres', (signal) =>
    call<Page<Series>>('GET', listPath(undefined, undefined), { signal }),
  );
  const genres =
    all.state === 'done' ? [...new Set(all.data.items.flatMap((s) => s.genres))].sort() : [];

  const go = (nextGenre: string | undefined, nextQ: string | undefined) => {
    const query = new URLSearchParams();
    if (nextGenre) query.set('genre', nextGenre);
    if (nextQ) query.set('q', nextQ);
    navigate(query.size > 0 ? `/?${query}` : '/');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    go(genre, search.trim() || undefined);
  };

  return (
    <section aria-labelledby="catalogue-title">
      <h1 id="catalogue-title">Series</h1>
      <form role="search" onSubmit={submit} className="search">
        <label htmlFor="search">Search titles</label>
        <input
          id="search"
          type="search"
          value={search}
          maxLength={100}
          onChange={(e) => setSearch(e.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      <nav aria-label="Genres" className="chips">
        <button type="button" aria-pressed={!genre} onClick={() => go(undefined, q)}>
          All
        </button>
        {genres.map((g) => (
          <button key={g} type="button" aria-pressed={genre === g} onClick={() => go(g, q)}>
            {g}
          </button>
        ))}
      </nav>
      <Loaded load={series} what="series">
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">
              No series match{q ? ` “${q}”` : ''}
              {genre ? ` in ${genre}` : ''}.
            </p>
          ) : (
            <ul className="cards">
              {page.items.map((s) => (
                <li key={s.id} className="card">
                  <h2>
                    <Link to={`/series/${s.id}`}>{s.title}</Link>
                  </h2>
                  <p className="muted">
                    {s.genres.join(' · ')} · {s.episodeCount} episodes
                  </p>
                  <p>{s.synopsis}</p>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
