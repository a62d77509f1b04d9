import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/errors';
import { call } from '../../api/http';
import type { Episode, Purchase } from '../../api/types';
import { useSession } from '../../session/session-store';
import { coins, ErrorMessage, Link, Loaded } from '../../ui/status';
import { useLoad } from '../../ui/use-load';
import { followPurchase, startPurchase } from './purchase';

const STATUS_TEXT: Record<Purchase['status'], string> = {
  pending: 'Payment pending…',
  completed: 'Purchase completed. Enjoy the episode!',
  declined: 'Purchase declined.',
  expired: 'Purchase expired: payment did not answer in time. No coins were taken.',
};

const DECLINE_TEXT: Record<string, string> = {
  INSUFFICIENT_FUNDS: 'Your wallet does not have enough coins. Top it up and try again.',
  WALLET_NOT_FOUND: 'Your wallet is not open yet. Try again in a moment.',
  WALLET_CLOSED: 'Your wallet is closed.',
};

/** Reads an episode: the pages of a free or owned one, or its price and a Buy button. */
export function EpisodePage({ seriesId, no }: { seriesId: string; no: number }) {
  const session = useSession();
  const path = `/api/webtoons/${encodeURIComponent(seriesId)}/episodes/${no}`;
  // Kept here, not in the paywall: once the purchase completes the paywall gives way to the
  // episode, and the reader should still see that the purchase went through.
  const [bought, setBought] = useState<Purchase>();
  const [episode, reload] = useLoad(`${path}:${session.status}`, (signal) =>
    call<Episode>('GET', path, { signal }),
  );
  return (
    <section aria-labelledby="episode-title">
      <p>
        <Link to={`/series/${seriesId}`}>← Back to the series</Link>
      </p>
      {episode.state === 'failed' &&
      episode.error instanceof ApiError &&
      episode.error.code === 'WEBTOON.PAYMENT_REQUIRED' ? (
        <Paywall
          seriesId={seriesId}
          no={no}
          price={Number(episode.error.body.priceCoins)}
          signedIn={session.status === 'signed-in'}
          onOwned={(purchase) => {
            setBought(purchase);
            reload();
          }}
        />
      ) : (
        <Loaded load={episode} what="the episode">
          {(e) => (
            <>
              {bought && (
                <p
                  role="status"
                  className={`purchase ${bought.status}`}
                  data-status={bought.status}
                >
                  {STATUS_TEXT[bought.status]}
                </p>
              )}
              <h1 id="episode-title">
                {e.no}. {e.title}
              </h1>
              <div className="pages">
                {e.imageUrls.map((url, i) => (
                  <img
                    key={url}
                    src={url}
                    alt={`Page ${i + 1} of ${e.imageUrls.length}`}
                    loading="lazy"
                  />
                ))}
              </div>
              <p>
                <Link to={`/series/${seriesId}/episodes/${e.no + 1}`}>Next episode →</Link>
              </p>
            </>
          )}
        </Loaded>
      )}
    </section>
  );
}

function Paywall(props: {
  seriesId: string;
  no: number;
  price: number;
  signedIn: boolean;
  onOwned: (purchase: Purchase) => void;
}) {
  const [purchase, setPurchase] = useState<Purchase>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController>(undefined);
  useEffect(() => () => abort.current?.abort(), []);

  const buy = async () => {
    setBusy(true);
    setError(undefined);
    abort.current = new AbortController();
    try {
      const started = await startPurchase(props.seriesId, props.no, crypto.randomUUID());
      setPurchase(started);
      const last = await followPurchase(started.purchaseId, setPurchase, {
        signal: abort.current.signal,
      });
      if (last?.status === 'completed') props.onOwned(last);
    } catch (caught) {
      if (!abort.current.signal.aborted)
        setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="paywall">
      <h1 id="episode-title">Episode {props.no}</h1>
      <p>
        This episode costs <strong>{coins(props.price)}</strong>.
      </p>
      {props.signedIn ? (
        <button
          type="button"
          onClick={() => void buy()}
          disabled={busy || purchase?.status === 'pending'}
        >
          Buy for {coins(props.price)}
        </button>
      ) : (
        <p>
          <Link to={`/login?next=${encodeURIComponent(window.location.pathname)}`}>Log in</Link> to
          buy it.
        </p>
      )}
      {purchase && (
        <p
          role="status"
          aria-live="polite"
          className={`purchase ${purchase.status}`}
          data-status={purchase.status}
        >
          {STATUS_TEXT[purchase.status]}
          {purchase.status === 'declined' && purchase.declineReason
            ? ` ${DECLINE_TEXT[purchase.declineReason] ?? ''}`
            : ''}
          {purchase.status === 'declined' && (
            <>
              {' '}
              <Link to="/wallet">Go to your wallet</Link>
            </>
          )}
        </p>
      )}
      {error && <ErrorMessage error={error} />}
    </div>
  );
}
