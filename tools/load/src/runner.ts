import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { arrivals, levelAt, totalSeconds, type Stages } from './profile';
import type { Scenario, Step } from './scenario';
import { LoadStats, type Figures } from './stats';

export type LoadMode = { kind: 'open'; rate: number } | { kind: 'closed'; connections: number };

export interface LoadOptions {
  url: string;
  mode: LoadMode;
  stages: Stages;
  scenario: Scenario;
  /** Sent with every request (the gateway's load-test key, docs/scaling.md). */
  headers?: Record<string, string>;
  /** A request slower than this counts as an error (default 10 s). */
  timeoutMs?: number;
  /**
   * Open loop: requests in flight at most; an arrival beyond it is counted as an error
   * (`client-saturated`) instead of queued, so a saturated client never slows the schedule.
   */
  maxInFlight?: number;
  /** Ends the load early: no new request is sent after it fires; those in flight finish. */
  signal?: AbortSignal;
  /** Where the figures are recorded; a caller that cuts the run into spans passes its own. */
  stats?: LoadStats;
  /** Called about once a second with what happened in that second. */
  onProgress?: (p: Progress) => void;
}

export interface Progress {
  t: number;
  target: number;
  rps: number;
  errors: number;
  p95Ms: number;
  p99Ms: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Drives the scenario against `url` with the given shape and returns the figures. Bounded in
 * time by the stages (plus the timeout of the requests still in flight at the end).
 */
export async function runLoad(opts: LoadOptions): Promise<Figures> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxInFlight = opts.maxInFlight ?? 512;
  const connections =
    opts.mode.kind === 'closed' ? opts.mode.connections : Math.min(maxInFlight, 128);
  const pool = new Pool(opts.url, {
    connections,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const stats = opts.stats ?? new LoadStats();
  const start = performance.now();
  const elapsed = () => (performance.now() - start) / 1000;
  let inFlight = 0;

  const send = async (step: Step): Promise<void> => {
    inFlight++;
    const t0 = performance.now();
    try {
      const res = await pool.request({
        method: step.method,
        path: step.path,
        headers: {
          ...opts.headers,
          ...(step.body ? { 'content-type': 'application/json' } : {}),
          ...step.headers,
        },
        body: step.body,
      });
      await res.body.dump();
      stats.record(
        step.endpoint,
        (performance.now() - t0) * 1000,
        res.statusCode,
        step.expect.includes(res.statusCode),
      );
    } catch {
      stats.record(step.endpoint, (performance.now() - t0) * 1000, 'error', false);
    } finally {
      inFlight--;
    }
  };

  const progress = setInterval(() => {
    const t = elapsed();
    const w = stats.takeWindow();
    const level = levelAt(opts.stages, t);
    const target =
      opts.mode.kind === 'open' ? opts.mode.rate * level : Math.ceil(opts.mode.connections * level);
    opts.onProgress?.({
      t,
      target,
      rps: w.requests,
      errors: w.errors,
      p95Ms: w.p95Ms,
      p99Ms: w.p99Ms,
    });
  }, 1000);

  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  try {
    if (opts.mode.kind === 'open') {
      const schedule = arrivals(opts.stages, opts.mode.rate);
      let next = 0;
      while (next < schedule.length && !opts.signal?.aborted) {
        const now = elapsed();
        while (next < schedule.length && schedule[next] <= now) {
          const step = opts.scenario.next();
          if (inFlight >= maxInFlight) stats.record(step.endpoint, 0, 'client-saturated', false);
          else track(send(step));
          next++;
        }
        await sleep(Math.min(10, Math.max(0, (schedule[next] ?? now) - elapsed()) * 1000));
      }
    } else {
      const total = totalSeconds(opts.stages);
      const { connections: n } = opts.mode;
      const worker = async (i: number) => {
        for (let t = elapsed(); t < total && !opts.signal?.aborted; t = elapsed()) {
          // Worker i works while the ramp says at least i + 1 connections should.
          if (i < Math.ceil(n * levelAt(opts.stages, t))) await send(opts.scenario.next());
          else await sleep(50);
        }
      };
      await Promise.all(Array.from({ length: n }, (_, i) => worker(i)));
    }
    await Promise.all(pending);
  } finally {
    clearInterval(progress);
    await pool.close();
  }
  return stats.figures(elapsed());
}
