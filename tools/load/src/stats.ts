import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';

export interface EndpointFigures {
  requests: number;
  errors: number;
  /** Status codes seen, with how often. */
  statuses: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface Figures {
  requests: number;
  errors: number;
  errorRatio: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  endpoints: Record<string, EndpointFigures>;
}

export interface SpanFigures {
  seconds: number;
  requests: number;
  errors: number;
  servedRps: number;
  p50Ms: number;
  p99Ms: number;
}

const histogram = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });

/**
 * Latency (microseconds, HDR histograms) and outcomes per endpoint. An error is a transport
 * failure or an answer the step did not expect (a 5xx, a 429, a 4xx the scenario did not
 * ask for).
 */
export class LoadStats {
  private readonly all = histogram();
  private readonly byEndpoint = new Map<
    string,
    { h: hdr.Histogram; errors: number; statuses: Record<string, number> }
  >();
  private window = { requests: 0, errors: 0, h: histogram() };
  private span = { requests: 0, errors: 0, h: histogram(), startedAt: performance.now() };

  record(endpoint: string, micros: number, status: number | string, ok: boolean): void {
    let e = this.byEndpoint.get(endpoint);
    if (!e) {
      e = { h: histogram(), errors: 0, statuses: {} };
      this.byEndpoint.set(endpoint, e);
    }
    const us = Math.max(1, Math.round(micros));
    e.h.recordValue(us);
    this.all.recordValue(us);
    this.window.h.recordValue(us);
    this.span.h.recordValue(us);
    this.span.requests++;
    if (!ok) this.span.errors++;
    e.statuses[String(status)] = (e.statuses[String(status)] ?? 0) + 1;
    this.window.requests++;
    if (!ok) {
      e.errors++;
      this.window.errors++;
    }
  }

  /** What happened since the last call (for the live progress line), then starts over. */
  takeWindow(): { requests: number; errors: number; p95Ms: number; p99Ms: number } {
    const w = this.window;
    this.window = { requests: 0, errors: 0, h: histogram() };
    return {
      requests: w.requests,
      errors: w.errors,
      p95Ms: w.h.getValueAtPercentile(95) / 1000,
      p99Ms: w.h.getValueAtPercentile(99) / 1000,
    };
  }

  /**
   * What happened since the last call (or the start): a step of a demo. Served requests per
   * second count only the answers the scenario expected.
   */
  takeSpan(): SpanFigures {
    const s = this.span;
    this.span = { requests: 0, errors: 0, h: histogram(), startedAt: performance.now() };
    const seconds = (performance.now() - s.startedAt) / 1000;
    return {
      seconds,
      requests: s.requests,
      errors: s.errors,
      servedRps: seconds > 0 ? (s.requests - s.errors) / seconds : 0,
      p50Ms: s.h.getValueAtPercentile(50) / 1000,
      p99Ms: s.h.getValueAtPercentile(99) / 1000,
    };
  }

  figures(seconds: number): Figures {
    const endpoints: Record<string, EndpointFigures> = {};
    let errors = 0;
    for (const [name, e] of [...this.byEndpoint].sort(([a], [b]) => a.localeCompare(b))) {
      errors += e.errors;
      endpoints[name] = {
        requests: e.h.totalCount,
        errors: e.errors,
        statuses: e.statuses,
        p50Ms: e.h.getValueAtPercentile(50) / 1000,
        p95Ms: e.h.getValueAtPercentile(95) / 1000,
        p99Ms: e.h.getValueAtPercentile(99) / 1000,
        maxMs: e.h.maxValue / 1000,
      };
    }
    const requests = this.all.totalCount;
    return {
      requests,
      errors,
      errorRatio: requests === 0 ? 0 : errors / requests,
      seconds,
      rps: seconds > 0 ? requests / seconds : 0,
      p50Ms: this.all.getValueAtPercentile(50) / 1000,
      p99Ms: this.all.getValueAtPercentile(99) / 1000,
      endpoints,
    };
  }
}
