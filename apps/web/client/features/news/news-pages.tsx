import { call } from '../../api/http';
import type { Article, Page } from '../../api/types';
import { date, Link, Loaded } from '../../ui/status';
import { useLoad } from '../../ui/use-load';

/** Published news, newest first; "new episode" items are written by the platform itself. */
export function NewsPage() {
  const [articles] = useLoad('news', (signal) =>
    call<Page<Article>>('GET', '/api/news?limit=30', { signal }),
  );
  return (
    <section aria-labelledby="news-title">
      <h1 id="news-title">News</h1>
      <Loaded load={articles} what="news">
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">No news yet.</p>
          ) : (
            <ul className="list">
              {page.items.map((a) => (
                <li key={a.id}>
                  <Link to={`/news/${a.id}`}>{a.title}</Link>{' '}
                  <span className="muted">
                    {a.category} · {date(a.publishedAt ?? a.createdAt)}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

export function ArticlePage({ id }: { id: string }) {
  const [article] = useLoad(`news:${id}`, (signal) =>
    call<Article>('GET', `/api/news/${encodeURIComponent(id)}`, { signal }),
  );
  return (
    <Loaded load={article} what="the article">
      {(a) => (
        <article aria-labelledby="article-title">
          <p>
            <Link to="/news">← All news</Link>
          </p>
          <h1 id="article-title">{a.title}</h1>
          <p className="muted">
            {a.category} · {date(a.publishedAt ?? a.createdAt)}
          </p>
          <div className="prose">{a.body}</div>
        </article>
      )}
    </Loaded>
  );
}
