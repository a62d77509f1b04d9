import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { freePort, waitFor } from '@lib/platform/testing';
import { appSpecs, root, startPlatformCopy, stopApps, type RunningApp } from '@tools/start';
import { describeWithBrowser, launchBrowser } from './browser';

// A reader's first visit, in a real Chromium, against the real platform: the apps as separate
// processes on the dev stack (PostgreSQL, Kafka, Consul), every request through the gateway.
const NAMES = ['auth', 'webtoon', 'payment', 'news', 'blog', 'web', 'gateway'];
const logDir = join(root, '.devstack', 'logs', 'web-e2e');
/** Set to a folder (docs/images) to save the screenshots shown in the README. */
const screenshots = process.env.WEB_SCREENSHOTS_DIR;
const run = randomUUID().slice(0, 8);
const reader = {
  name: `Reader ${run}`,
  email: `web-${run}@example.com`,
  password: `correct horse ${randomUUID()}`,
};
/** auth creates this admin on start (ADMIN_EMAIL / ADMIN_PASSWORD), as in the dev stack. */
/** The post the reader writes in the page, and where it ended up. */
const review = { title: `A reader's review ${run}`, path: '' };
const admin = { email: `admin-${run}@example.com`, password: `admin passphrase ${randomUUID()}` };

describeWithBrowser('the web front-end in a browser', () => {
  let apps: RunningApp[] = [];
  let gateway = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  /** Every write and every answer of 400 or more, to explain a failed wait. */
  const failures: string[] = [];
  const explain = () => `requests: ${failures.join('; ') || 'none'}`;

  beforeAll(async () => {
    const ports: Record<string, number> = {};
    for (const name of NAMES) ports[name] = await freePort();
    gateway = `http://127.0.0.1:${ports.gateway}`;
    // Admin ports are not in the map: each falls back to its app's port + 1000.
    const specs = appSpecs((name, fallback) => ports[name] ?? fallback).filter((spec) =>
      NAMES.includes(spec.name),
    );
    apps = await startPlatformCopy({
      specs,
      logDir,
      // auth reads these; the other apps ignore them.
      env: { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password },
      // Generous: five Node apps starting at once on a busy two-core machine take minutes.
      timeoutMs: 300_000,
    });
    // Registered is not yet routed: wait until the gateway sends pages to web and reads to webtoon.
    await waitFor(async () => {
      const [home, catalogue] = await Promise.all([
        fetch(`${gateway}/`),
        fetch(`${gateway}/api/webtoons`),
      ]);
      return home.status === 200 && catalogue.status === 200 ? true : undefined;
    }, 30_000);
    browser = await launchBrowser();
    context = await browser.newContext({
      baseURL: gateway,
      viewport: { width: 1200, height: 900 },
    });
    page = await context.newPage();
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error')
        consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    page.on('response', (response) => {
      const method = response.request().method();
      if (response.status() >= 400 || method !== 'GET') {
        failures.push(`${method} ${new URL(response.url()).pathname} ${response.status()}`);
      }
    });
  }, 480_000);

  afterAll(async () => {
    await browser?.close();
    await stopApps(apps);
  }, 60_000);

  /** From any page: the catalogue, a search for the title, then the series. */
  const openSeries = async (title: string) => {
    await page.getByRole('link', { name: 'Series', exact: true }).click();
    await page.getByLabel('Search titles').fill(title);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: title }).click();
  };

  const logInAs = async (who: { email: string; password: string }) => {
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
  };

  const shoot = async (name: string) => {
    if (!screenshots) return;
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, `web-${name}.png`), fullPage: true });
  };

  it('serves the app with its security headers and keeps unknown API paths a 404', async () => {
    const home = await fetch(`${gateway}/series/anything`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(home.headers.get('x-request-id')).toMatch(/.+/);
    const html = await home.text();
    const script = html.match(/src="(\/assets\/main-[^"]+\.js)"/)?.[1];
    expect(script).toMatch(/^\/assets\/main-/);
    const asset = await fetch(`${gateway}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${gateway}/assets/main-missing.js`)).status).toBe(404);
    const unknownApi = await fetch(`${gateway}/api/nothing-here`);
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.json()).toMatchObject({ code: 'GATEWAY.NO_ROUTE' });
  });

  it('refuses session calls without its header, so another site cannot sign a visitor in', async () => {
    const response = await fetch(`${gateway}/session/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: reader.email, password: reader.password }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'WEB.SESSION_HEADER_MISSING' });
  });

  it('browses the catalogue by genre and by search', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Series', level: 1 }).waitFor();
    await page.locator('.card').first().waitFor();
    await shoot('catalogue');
    // Other suites may add series to the same stack: look for the seeded ones by name, and
    // check what is listed with one probe (while a filtered page loads, nothing is listed).
    const listed = (want: string, not: string) =>
      waitFor(async () => {
        const names = await page.locator('.card h2').allTextContents();
        return names.includes(want) && !names.includes(not) ? true : undefined;
      });

    await page.getByLabel('Search titles').fill('night sky');
    await page.getByRole('button', { name: 'Search' }).click();
    await listed('Tower of the Night Sky', 'Lunch Break Detectives');

    await page.getByRole('button', { name: 'comedy' }).click();
    await page.getByText('No series match “night sky” in comedy.').waitFor();
    expect(new URL(page.url()).search).toBe('?genre=comedy&q=night+sky');

    await page.getByRole('button', { name: 'All' }).click();
    await page.getByLabel('Search titles').fill('lunch');
    await page.getByRole('button', { name: 'Search' }).click();
    await listed('Lunch Break Detectives', 'Tower of the Night Sky');
    await page.getByRole('button', { name: 'fantasy' }).click();
    await page.getByText('No series match “lunch” in fantasy.').waitFor();
  });

  it('signs up with client-side checks first, then with the server', async () => {
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Display name').fill(reader.name);
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    const problems = page.getByRole('alert');
    await problems.getByText('Enter a valid email address.').waitFor();
    await problems.getByText('The password needs 12 to 128 characters.').waitFor();

    await page.getByLabel('Email').fill(reader.email);
    await page.getByLabel('Password').fill(reader.password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByTestId('signed-in-as').getByText(reader.name).waitFor();

    // The refresh token is in an HttpOnly, SameSite=Strict cookie that scripts cannot read.
    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === 'web_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/session' });
    expect(session!.value.length).toBeGreaterThanOrEqual(16);
    expect(await page.evaluate<string>('document.cookie')).not.toContain('web_session');
    expect(
      await page.evaluate<string>('JSON.stringify(localStorage) + JSON.stringify(sessionStorage)'),
    ).toBe('{}{}');
  });

  it('reads a free episode, and shows the price of a paid one', async () => {
    await openSeries('Tower of the Night Sky');
    await page.getByRole('heading', { name: 'Tower of the Night Sky', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Episodes' }).waitFor();
    await page.locator('.episodes li').first().waitFor();
    await shoot('series');
    const first = page.locator('.episodes li').first();
    expect(await first.locator('.badge').textContent()).toBe('Free');
    await first.getByRole('link').click();
    await page.getByRole('heading', { name: /^1\. / }).waitFor();
    await page.getByRole('img', { name: 'Page 1 of 3' }).waitFor({ state: 'attached' });
    await shoot('episode');
  });

  it('tops up with the test card, and shows a declined card as a sentence', async () => {
    await page.getByRole('link', { name: 'Wallet' }).click();
    const balance = page.getByTestId('balance');
    await balance.waitFor({ timeout: 30_000 });
    const before = coinsIn(await balance.textContent());

    await page.getByLabel('Coins').fill('10');
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Top up' }).click();
    await page.getByText(`Added 10 coins. New balance: ${before + 10} coins.`).waitFor();
    await waitFor(async () =>
      coinsIn(await balance.textContent()) === before + 10 ? true : undefined,
    );

    await page.getByLabel('Card number').fill('4000 0000 0000 0002');
    await page.getByRole('button', { name: 'Top up' }).click();
    await page
      .getByRole('alert')
      .getByText('Your card was declined. No money was taken; try another card.')
      .waitFor();
    expect(coinsIn(await balance.textContent())).toBe(before + 10);
    await shoot('wallet-declined');
  });

  it('buys a paid episode and follows the purchase to completed, then reads it', async () => {
    await openSeries('Tower of the Night Sky');
    const paid = page.locator('.episodes li', { has: page.locator('.badge.paid') }).first();
    await paid.waitFor();
    const price = coinsIn(await paid.locator('.badge').textContent());
    await paid.getByRole('link').click();
    await page
      .getByText(`This episode costs ${price} ${price === 1 ? 'coin' : 'coins'}.`)
      .waitFor();
    await shoot('paywall');

    await page.getByRole('button', { name: /^Buy for / }).click();
    const status = page.locator('.purchase');
    await waitFor(
      async () =>
        (await status.getAttribute('data-status', { timeout: 1000 })) === 'completed'
          ? true
          : undefined,
      30_000,
      explain,
    );
    expect(await status.textContent()).toBe('Purchase completed. Enjoy the episode!');
    // The entitlement is granted: the same page now shows the episode's pages.
    await page
      .getByRole('img', { name: 'Page 1 of 3' })
      .waitFor({ state: 'attached', timeout: 15_000 });

    await page.getByRole('link', { name: 'Wallet' }).click();
    await page.getByRole('cell', { name: 'Episode purchase' }).waitFor();
    await page.getByRole('cell', { name: `-${price}`, exact: true }).waitFor();
    await shoot('wallet');
  });

  it('keeps the session across a reload (cookie), and ends it on logout', async () => {
    await page.reload();
    await page.getByTestId('signed-in-as').getByText(reader.name).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('link', { name: 'Log in' }).waitFor();
    expect(
      (await context.cookies()).find((cookie) => cookie.name === 'web_session'),
    ).toBeUndefined();
    await page.reload();
    await page.getByRole('link', { name: 'Log in' }).waitFor();
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);

    await page.goto('/login');
    await page.getByLabel('Email').fill(reader.email);
    await page.getByLabel('Password').fill('a wrong password here');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page
      .getByRole('alert')
      .getByText('That email and password do not match an account.')
      .waitFor();
  });

  it('reads the news, with the automatic "new episode" items, and the blog', async () => {
    // news writes an item for every episode webtoon publishes (its seed included), from events.
    await page.goto('/news');
    const announcement = page.getByRole('link', { name: /^New episode: / }).first();
    await waitFor(
      async () => {
        if ((await announcement.count()) > 0) return true;
        await page.reload();
        await page.getByRole('heading', { name: 'News', level: 1 }).waitFor();
        return undefined;
      },
      60_000,
      explain,
    );
    const title = (await announcement.textContent())!;
    await announcement.click();
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    await page.getByText(/is out now/).waitFor();

    // A post written through the API appears on the blog with its author's display name, which
    // blog learns from auth's signup event.
    const login = await fetch(`${gateway}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: reader.email, password: reader.password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const post = { title: `Notes from reader ${run}`, body: 'Episode 4 was worth every coin.' };
    const created = await fetch(`${gateway}/api/blog/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify(post),
    });
    expect(created.status).toBe(201);
    await page.getByRole('link', { name: 'Blog' }).click();
    await page.getByRole('link', { name: post.title }).click();
    await page.getByRole('heading', { name: post.title, level: 1 }).waitFor();
    await page.getByText(post.body).waitFor();
    await page.getByText('No comments yet.').waitFor();
    await waitFor(async () => {
      if ((await page.getByText(`by ${reader.name}`).count()) > 0) return true;
      await page.reload();
      await page.getByRole('heading', { name: post.title, level: 1 }).waitFor();
      return undefined;
    }, 30_000);
  });

  it('writes a blog post and a comment as a signed-in reader', async () => {
    await page.goto('/login');
    await logInAs(reader);
    await page.getByRole('link', { name: 'Blog' }).click();
    await page.getByRole('link', { name: 'Write a post' }).click();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('alert').getByText('Give the post a title.').waitFor();

    await page.getByLabel('Title', { exact: true }).fill(review.title);
    await page.getByLabel('Post', { exact: true }).fill('The cliffhanger in episode 2 got me.');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('heading', { name: review.title, level: 1 }).waitFor();
    review.path = new URL(page.url()).pathname;
    expect(review.path).toMatch(/^\/blog\/[^/]+$/);

    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.getByRole('alert').getByText('Write something in the comment.').waitFor();
    await page.getByLabel('Comment', { exact: true }).fill('Agreed, and the art too.');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.locator('.comments li').getByText('Agreed, and the art too.').waitFor();
    await page.getByRole('heading', { name: 'Comments (1)' }).waitFor();
    expect(await page.getByLabel('Comment', { exact: true }).inputValue()).toBe('');
    await shoot('blog-post');
  });

  it('sends an expired session to log in and keeps what was typed', async () => {
    const draft = 'Typed while the session ran out, and not lost.';
    await page.getByLabel('Comment', { exact: true }).fill(draft);
    // The session ends as it would after its lifetime: the refresh cookie is gone and the
    // next call's access token is refused (by the real gateway, as an invalid token).
    await context.clearCookies();
    await page.route(
      '**/api/blog/posts/*/comments',
      (route) =>
        route.continue({
          headers: { ...route.request().headers(), authorization: 'Bearer expired.access.token' },
        }),
      { times: 1 },
    );
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.getByText('Your session ended. Log in again to carry on where you were.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');

    await logInAs(reader);
    await page.getByRole('heading', { name: review.title, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(review.path);
    expect(await page.getByLabel('Comment', { exact: true }).inputValue()).toBe(draft);
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.locator('.comments li').getByText(draft).waitFor();
    await page.getByRole('heading', { name: 'Comments (2)' }).waitFor();
  });

  it('publishes a series and an episode in the author view', async () => {
    // Readers do not see it: webtoon lets authors and admins publish.
    expect(await page.getByRole('link', { name: 'Publish', exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('link', { name: 'Log in' }).click();
    await logInAs(admin);
    await page.getByRole('link', { name: 'Publish', exact: true }).click();
    await page.getByRole('heading', { name: 'Your series', level: 1 }).waitFor();
    await page.getByText('You have not started a series yet.').waitFor();
    await page.getByRole('button', { name: 'Create series' }).click();
    await page.getByRole('alert').getByText('Give the series a title.').waitFor();

    const title = `Harbour Lights ${run}`;
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Genres').fill('drama, slice-of-life');
    await page.getByLabel('Synopsis').fill('A lighthouse keeper writes letters to passing ships.');
    await page.getByRole('button', { name: 'Create series' }).click();
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    await page.getByText('No episodes yet: publish the first one below.').waitFor();

    await page.getByLabel('Episode title').fill('The first letter');
    await page.getByLabel('Page images').fill('not a web address');
    await page.getByRole('button', { name: 'Publish episode' }).click();
    await page
      .getByRole('alert')
      .getByText('Every page image needs a web address (https://…), one per line.')
      .waitFor();
    await page
      .getByLabel('Page images')
      .fill('https://cdn.example.com/harbour/1.jpg\nhttps://cdn.example.com/harbour/2.jpg');
    await page.getByRole('button', { name: 'Publish episode' }).click();
    const episode = page.getByRole('link', { name: '1. The first letter' });
    await episode.waitFor();
    await shoot('author');

    await episode.click();
    await page.getByRole('heading', { name: /^1\. The first letter/ }).waitFor();
    await page.getByRole('img', { name: 'Page 2 of 2' }).waitFor({ state: 'attached' });
  });

  it('shows six services in the console, then the stopped one red and the rest green', async () => {
    // The overview is the admins': 401 without a token, 403 with a reader's.
    const overview = `${gateway}/api/platform/overview`;
    expect((await fetch(overview)).status).toBe(401);
    const login = await fetch(`${gateway}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: reader.email, password: reader.password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const asReader = await fetch(overview, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(asReader.status).toBe(403);
    expect(await asReader.json()).toMatchObject({ code: 'AUTH.FORBIDDEN' });

    await page.getByRole('link', { name: 'Console' }).click();
    await page.getByRole('heading', { name: 'Platform console', level: 1 }).waitFor();
    const cards = page.locator('.services > li');
    /** "auth:up blog:up …", sorted: the page lists services in the route table's order. */
    let seen = '';
    const states = async () => {
      const pairs = await Promise.all(
        (await cards.all()).map(
          async (card) =>
            `${await card.getAttribute('data-service')}:${await card.getAttribute('data-status')}`,
        ),
      );
      seen = pairs.sort().join(' ');
      return seen;
    };
    const expectStates = (want: string) =>
      waitFor(
        async () => ((await states()) === want ? true : undefined),
        30_000,
        () => `the console shows ${seen}`,
      );
    await expectStates('auth:up blog:up news:up payment:up web:up webtoon:up');
    // Prometheus (the dev stack's, read by the gateway) has scraped this run's webtoon, and
    // the purchase and the signup show up in the saga and the events.
    const replicas = page.getByTestId('webtoon-replicas');
    await waitFor(
      async () => (Number(await replicas.textContent()) >= 1 ? true : undefined),
      60_000,
    );
    await page
      .getByTestId('events')
      .getByRole('cell', { name: 'auth.user.registered.v1' })
      .waitFor();
    await page.getByTestId('saga').getByText('completed', { exact: true }).waitFor();
    expect(await page.locator('.service .sparkline').count()).toBe(6);
    await shoot('console');

    // Stopping news' only process: it leaves Consul, the gateway drops it, the page turns it red.
    const news = apps.find((app) => app.spec.name === 'news')!;
    await stopApps([news]);
    apps.splice(apps.indexOf(news), 1);
    await expectStates('auth:up blog:up news:down payment:up web:up webtoon:up');
    await page.locator('[data-service="news"]').getByText('0 of 0 instances passing').waitFor();
    await shoot('console-news-down');
  });

  it('fits a phone-width screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/');
    await page.locator('.card').first().waitFor();
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shoot('phone');
  });

  it('logged nothing to the console but the expected answers', () => {
    // Chromium logs every 4xx a script receives: the paywall's 402, a wrong password's 401
    // and the declined card's 402 are the API speaking, and episode images live on a CDN
    // that this machine does not resolve.
    const expected = [/status of 402/, /status of 401/, /ERR_NAME_NOT_RESOLVED|cdn\.example\.com/];
    expect(consoleErrors.filter((line) => !expected.some((pattern) => pattern.test(line)))).toEqual(
      [],
    );
  });
});

function coinsIn(text: string | null): number {
  const match = text?.match(/-?\d+/);
  if (!match) throw new Error(`no amount in "${text}"`);
  return Number(match[0]);
}
