import { useEffect, useState } from 'react';
import { call } from '../../api/http';
import type { PlatformOverview, ServiceOverview } from '../../api/types';
import { ErrorMessage, Loading } from '../../ui/status';
import { milliseconds, perSecond, ratio, sparklinePoints } from './console-format';

/** Every few seconds: the gateway caches its answer for two, Prometheus scrapes every five. */
const POLL_MS = 3_000;

type Poll =
  | { state: 'loading' }
  | { state: 'failed'; error: Error; last?: PlatformOverview }
  | { state: 'done'; data: PlatformOverview };

/** Polls the overview; a failed round keeps the last picture on screen under the error. */
function useOverview(): Poll {
  const [poll, setPoll] = useState<Poll>({ state: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const round = async () => {
      try {
        const data = await call<PlatformOverview>('GET', '/api/platform/overview', {
          signal: abort.signal,
        });
        if (!abort.signal.aborted) setPoll({ state: 'done', data });
      } catch (error) {
        if (abort.signal.aborted) return;
        setPoll((previous) => ({
          state: 'failed',
          error: error instanceof Error ? error : new Error(String(error)),
          last:
            previous.state === 'done'
              ? previous.data
              : previous.state === 'failed'
                ? previous.last
                : undefined,
        }));
      }
      if (!abort.signal.aborted) timer = setTimeout(() => void round(), POLL_MS);
    };
    void round();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, []);
  return poll;
}

function Sparkline({ values, label }: { values: number[]; label: string }) {
  const width = 160;
  const height = 32;
  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={label}
    >
      <polyline points={sparklinePoints(values, width, height)} />
    </svg>
  );
}

function minutes(overview: PlatformOverview, values: number[]): string {
  return `${Math.round(((values.length - 1) * overview.historyStepSeconds) / 60)} min`;
}

function ServiceCard({ s, overview }: { s: ServiceOverview; overview: PlatformOverview }) {
  const passing = s.instances.filter((i) => i.health === 'passing').length;
  return (
    <li className={`service ${s.status}`} data-service={s.service} data-status={s.status}>
      <h3>
        <span className="dot" aria-hidden="true" /> {s.service}{' '}
        <span className="state">{s.status === 'up' ? 'Up' : 'Down'}</span>
      </h3>
      <p className="muted">
        {passing} of {s.instances.length} {s.instances.length === 1 ? 'instance' : 'instances'}{' '}
        passing · circuit {s.circuit}
      </p>
      {overview.metrics.available && (
        <>
          <dl className="figures">
            <dt>Requests</dt>
            <dd>{perSecond(s.requestsPerSecond)}</dd>
            <dt>Errors</dt>
            <dd>{ratio(s.errorRatio)}</dd>
            <dt>p99</dt>
            <dd>{milliseconds(s.p99Seconds)}</dd>
          </dl>
          {s.rateHistory && (
            <Sparkline
              values={s.rateHistory}
              label={`${s.service}: requests per second over the last ${minutes(overview, s.rateHistory)}, now ${perSecond(s.requestsPerSecond)}`}
            />
          )}
        </>
      )}
    </li>
  );
}

function Overview({ overview }: { overview: PlatformOverview }) {
  const up = overview.services.filter((s) => s.status === 'up').length;
  const webtoon = overview.services.find((s) => s.service === 'webtoon');
  const replicas = webtoon?.instanceHistory;
  return (
    <>
      <p className="muted" data-testid="console-summary">
        {up} of {overview.services.length} services up · updated{' '}
        {new Date(overview.generatedAt).toLocaleTimeString()}
      </p>
      {!overview.metrics.available && (
        <p className="error" role="alert">
          Metrics are unavailable right now ({overview.metrics.reason}); instances are the
          gateway&apos;s own view.
        </p>
      )}
      <h2>Services</h2>
      <ul className="services">
        {overview.services.map((s) => (
          <ServiceCard key={s.service} s={s} overview={overview} />
        ))}
      </ul>
      {overview.metrics.available && (
        <div className="console-panels">
          <section className="panel" aria-labelledby="replicas-title">
            <h2 id="replicas-title">webtoon replicas</h2>
            <p className="big" data-testid="webtoon-replicas">
              {replicas?.at(-1) ?? 0}
            </p>
            {replicas && (
              <Sparkline
                values={replicas}
                label={`webtoon instances over the last ${minutes(overview, replicas)}`}
              />
            )}
          </section>
          <section className="panel" aria-labelledby="saga-title">
            <h2 id="saga-title">Purchase saga</h2>
            <p className="muted">Settled since the webtoon instances started, by outcome.</p>
            <dl className="figures" data-testid="saga">
              <dt>Pending now</dt>
              <dd>{overview.saga?.pending ?? 0}</dd>
              {(overview.saga?.settled ?? []).map((c) => (
                <FigureRow key={c.name} name={c.name} count={c.count} />
              ))}
            </dl>
          </section>
          <section className="panel" aria-labelledby="events-title">
            <h2 id="events-title">Events published</h2>
            <p className="muted">Since the publishing instances started.</p>
            {overview.events?.length ? (
              <table className="counts" data-testid="events">
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col">Total</th>
                    <th scope="col">Per minute</th>
                  </tr>
                </thead>
                <tbody>
                  {overview.events.map((e) => (
                    <tr key={e.type}>
                      <td>{e.type}</td>
                      <td>{e.total}</td>
                      <td>{e.perMinute}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">No events published yet.</p>
            )}
          </section>
          <section className="panel" aria-labelledby="dead-title">
            <h2 id="dead-title">Dead letters</h2>
            {overview.deadLetters?.length ? (
              <table className="counts">
                <thead>
                  <tr>
                    <th scope="col">Consumer</th>
                    <th scope="col">Type</th>
                    <th scope="col">Count</th>
                  </tr>
                </thead>
                <tbody>
                  {overview.deadLetters.map((d) => (
                    <tr key={`${d.service}/${d.group}/${d.type}`}>
                      <td>
                        {d.service} ({d.group})
                      </td>
                      <td>{d.type}</td>
                      <td>{d.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">No dead letters.</p>
            )}
          </section>
        </div>
      )}
    </>
  );
}

function FigureRow({ name, count }: { name: string; count: number }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{count}</dd>
    </>
  );
}

export function ConsolePage() {
  const poll = useOverview();
  return (
    <section aria-labelledby="console-title" className="console">
      <h1 id="console-title">Platform console</h1>
      {poll.state === 'loading' && <Loading what="the platform overview" />}
      {poll.state === 'failed' && <ErrorMessage error={poll.error} />}
      {poll.state === 'done' && <Overview overview={poll.data} />}
      {poll.state === 'failed' && poll.last && <Overview overview={poll.last} />}
    </section>
  );
}
