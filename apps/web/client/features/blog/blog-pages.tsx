import { call } from '../../api/http';
import type { BlogPost, BlogPostDetail, Page } from '../../api/types';
import { date, Link, Loaded } from '../../ui/status';
import { useLoad } from '../../ui/use-load';

export function BlogPage() {
  const [posts] = useLoad('blog', (signal) =>
    call<Page<BlogPost>>('GET', '/api/blog/posts?limit=30', { signal }),
  );
  return (
    <section aria-labelledby="blog-title">
      <h1 id="blog-title">Blog</h1>
      <Loaded load={posts} what="posts">
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">No posts yet.</p>
          ) : (
            <ul className="list">
              {page.items.map((p) => (
                <li key={p.id}>
                  <Link to={`/blog/${p.id}`}>{p.title}</Link>{' '}
                  <span className="muted">
                    by {p.author.displayName} · {date(p.publishedAt)}
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

export function PostPage({ id }: { id: string }) {
  const [post] = useLoad(`blog:${id}`, (signal) =>
    call<BlogPostDetail>('GET', `/api/blog/posts/${encodeURIComponent(id)}`, { signal }),
  );
  return (
    <Loaded load={post} what="the post">
      {(p) => (
        <article aria-labelledby="post-title">
          <p>
            <Link to="/blog">← All posts</Link>
          </p>
          <h1 id="post-title">{p.title}</h1>
          <p className="muted">
            by {p.author.displayName} · {date(p.publishedAt)}
          </p>
          <div className="prose">{p.body}</div>
          <h2>Comments ({p.commentsTotal})</h2>
          {p.comments.length === 0 ? (
            <p className="muted">No comments yet.</p>
          ) : (
            <ul className="list">
              {p.comments.map((c) => (
                <li key={c.id}>
                  <p>{c.body}</p>
                  <p className="muted">
                    {c.author.displayName} · {date(c.createdAt)}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </article>
      )}
    </Loaded>
  );
}
