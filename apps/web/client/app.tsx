import { type ReactNode } from 'react';
import { LoginPage } from './features/account/login-page';
import { SignupPage } from './features/account/signup-page';
import { ArticlePage, NewsPage } from './features/news/news-pages';
import { AuthorPage, AuthorSeriesPage, PUBLISHING_ROLES } from './features/author/author-pages';
import { BlogPage, NewPostPage, PostPage } from './features/blog/blog-pages';
import { ConsolePage } from './features/console/console-page';
import { CataloguePage } from './features/catalogue/catalogue-page';
import { SeriesPage } from './features/catalogue/series-page';
import { EpisodePage } from './features/reader/episode-page';
import { WalletPage } from './features/wallet/wallet-page';
import { matchPath, navigate, useLocation } from './router';
import { logOut, useSession, type SessionState } from './session/session-store';
import { Link, Loading } from './ui/status';

function page(path: string, session: SessionState): ReactNode {
  let params: Record<string, string> | undefined;
  if (matchPath('/', path)) return <CataloguePage />;
  if ((params = matchPath('/series/:id', path))) return <SeriesPage id={params.id} />;
  if ((params = matchPath('/series/:id/episodes/:no', path))) {
    return <EpisodePage key={path} seriesId={params.id} no={Number(params.no)} />;
  }
  if (matchPath('/login', path)) return <LoginPage />;
  if (matchPath('/signup', path)) return <SignupPage />;
  if (matchPath('/news', path)) return <NewsPage />;
  if ((params = matchPath('/news/:id', path))) return <ArticlePage id={params.id} />;
  if (matchPath('/blog', path)) return <BlogPage />;
  if (matchPath('/blog/new', path)) {
    return signedIn(session, '/blog/new', 'write a post') ?? <NewPostPage />;
  }
  if ((params = matchPath('/blog/:id', path))) return <PostPage id={params.id} />;
  if (matchPath('/wallet', path)) {
    return signedIn(session, '/wallet', 'see your wallet') ?? <WalletPage />;
  }
  if (matchPath('/author', path) || (params = matchPath('/author/series/:id', path))) {
    const gate = signedIn(session, path, 'publish your series');
    if (gate) return gate;
    if (!hasRole(session, PUBLISHING_ROLES)) {
      return (
        <section>
          <h1>Publishing</h1>
          <p className="error" role="alert">
            Publishing series needs the author role; an administrator can grant it to your account.
          </p>
        </section>
      );
    }
    return params ? <AuthorSeriesPage key={params.id} id={params.id} /> : <AuthorPage />;
  }
  if (matchPath('/console', path)) {
    const gate = signedIn(session, '/console', 'open the platform console');
    if (gate) return gate;
    if (!hasRole(session, ['admin'])) {
      return (
        <section>
          <h1>Platform console</h1>
          <p className="error" role="alert">
            The console is for administrators; your account does not have the admin role.
          </p>
        </section>
      );
    }
    return <ConsolePage />;
  }
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the series</Link>
      </p>
    </section>
  );
}

/** What a page needing a session shows instead, or undefined once signed in. */
function signedIn(session: SessionState, path: string, toDo: string): ReactNode | undefined {
  if (session.status === 'restoring') return <Loading what="your session" />;
  if (session.status === 'signed-out') {
    return (
      <p>
        <Link to={`/login?next=${encodeURIComponent(path)}`}>Log in</Link> to {toDo}.
      </p>
    );
  }
  return undefined;
}

function hasRole(session: SessionState, roles: readonly string[]): boolean {
  return session.status === 'signed-in' && session.user.roles.some((r) => roles.includes(r));
}

export function App() {
  const path = useLocation();
  const session = useSession();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Webtoons
        </Link>
        <nav aria-label="Main">
          <Link to="/">Series</Link>
          <Link to="/news">News</Link>
          <Link to="/blog">Blog</Link>
          {session.status === 'signed-in' && <Link to="/wallet">Wallet</Link>}
          {hasRole(session, PUBLISHING_ROLES) && <Link to="/author">Publish</Link>}
          {hasRole(session, ['admin']) && <Link to="/console">Console</Link>}
        </nav>
        <div className="account">
          {session.status === 'signed-in' ? (
            <>
              <span data-testid="signed-in-as">{session.user.displayName}</span>
              <button type="button" onClick={() => void logOut().then(() => navigate('/'))}>
                Log out
              </button>
            </>
          ) : session.status === 'signed-out' ? (
            <>
              <Link to="/login">Log in</Link>
              <Link to="/signup">Sign up</Link>
            </>
          ) : null}
        </div>
      </header>
      <main id="main">{page(path.split('?', 1)[0], session)}</main>
    </>
  );
}
