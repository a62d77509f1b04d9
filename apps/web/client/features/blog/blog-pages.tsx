import { type FormEvent } from 'react';
import { call } from '../../api/http';
import type { BlogComment, BlogPost, BlogPostDetail, Page } from '../../api/types';
import { navigate } from '../../router';
import { useSession } from '../../session/session-store';
import { useDraft } from '../../ui/drafts';
import { date, ErrorMessage, Link, Loaded, Problems } from '../../ui/status';
import { useLoad } from '../../ui/use-load';
import { useSubmit } from '../../ui/use-submit';
import { commentProblems, postProblems } from './blog-forms';

export function BlogPage() {
  const session = useSession();
  const [posts] = useLoad('blog', (signal) =>
    call<Page<BlogPost>>('GET', '/api/blog/posts?limit=30', { signal }),
  );
  return (
    <section aria-labelledby="blog-title">
      <h1 id="blog-title">Blog</h1>
      {session.status === 'signed-in' ? (
        <p>
          <Link to="/blog/new">Write a post</Link>
        </p>
      ) : (
        <p className="muted">
          <Link to="/login?next=%2Fblog%2Fnew">Log in</Link> to write a post.
        </p>
      )}
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

export function NewPostPage() {
  const [post, set, clear] = useDraft('blog:new', ['title', 'body'] as const);
  const { problems, error, busy, run } = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(postProblems(post.title, post.body), async () => {
      const created = await call<BlogPost>('POST', '/api/blog/posts', {
        body: { title: post.title.trim(), body: post.body },
      });
      clear();
      navigate(`/blog/${created.id}`);
    });
  };
  return (
    <form onSubmit={submit} className="panel" aria-labelledby="new-post-title" noValidate>
      <h1 id="new-post-title">Write a post</h1>
      <label htmlFor="post-title">Title</label>
      <input
        id="post-title"
        value={post.title}
        onChange={(e) => set('title', e.target.value)}
        maxLength={200}
        required
      />
      <label htmlFor="post-body">Post</label>
      <textarea
        id="post-body"
        rows={10}
        value={post.body}
        onChange={(e) => set('body', e.target.value)}
        required
      />
      <button type="submit" disabled={busy}>
        Publish
      </button>
      <Problems problems={problems} />
      {error && <ErrorMessage error={error} />}
    </form>
  );
}

function CommentForm({ postId, added }: { postId: string; added: () => void }) {
  const [comment, set, clear] = useDraft(`blog:${postId}:comment`, ['body'] as const);
  const { problems, error, busy, run } = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(commentProblems(comment.body), async () => {
      await call<BlogComment>('POST', `/api/blog/posts/${encodeURIComponent(postId)}/comments`, {
        body: { body: comment.body },
      });
      clear();
      added();
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="comment-form-title" noValidate>
      <h3 id="comment-form-title">Add a comment</h3>
      <label htmlFor="comment-body">Comment</label>
      <textarea
        id="comment-body"
        rows={4}
        value={comment.body}
        onChange={(e) => set('body', e.target.value)}
        required
      />
      <button type="submit" disabled={busy}>
        Comment
      </button>
      <Problems problems={problems} />
      {error && <ErrorMessage error={error} />}
    </form>
  );
}

export function PostPage({ id }: { id: string }) {
  const session = useSession();
  const [post, reload] = useLoad(`blog:${id}`, (signal) =>
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
            <ul className="list comments">
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
          {session.status === 'signed-in' ? (
            <CommentForm postId={p.id} added={reload} />
          ) : (
            <p className="muted">
              <Link to={`/login?next=${encodeURIComponent(`/blog/${p.id}`)}`}>Log in</Link> to
              comment.
            </p>
          )}
        </article>
      )}
    </Loaded>
  );
}
