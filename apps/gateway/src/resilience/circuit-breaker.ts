export type CircuitState = 'closed' | 'open' | 'half-open';

/** The gauge value of `gateway_circuit_state`: 0 closed, 1 half-open, 2 open. */
export const CIRCUIT_STATE_VALUE: Record<CircuitState, number> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

export interface CircuitBreakerOptions {
  /** Failures / calls in the window at or above which the circuit opens. */
  failureRatio: number;
  /** Fewer calls than this in the window never open it: two failures of three are noise. */
  minimumCalls: number;
  /** The error rate is measured over this sliding window. */
  windowMs: number;
  /** How long an open circuit rejects before letting one probe through. */
  openMs: number;
}

export const DEFAULT_BREAKER_OPTIONS: CircuitBreakerOptions = {
  failureRatio: 0.5,
  minimumCalls: 20,
  windowMs: 10_000,
  openMs: 5_000,
};

const BUCKETS = 10;

/**
 * One service's breaker. Closed: calls pass and outcomes are counted in ten time buckets
 * spanning the window. When the failure ratio crosses the threshold it opens and rejects
 * every call for `openMs`, so a failing service is not hammered and callers get a fast 503
 * instead of waiting for timeouts. Then it lets exactly one probe through (half-open):
 * success closes it, failure opens it again.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private openedAt = 0;
  private probeInFlight = false;
  private readonly calls = new Array<number>(BUCKETS).fill(0);
  private readonly failures = new Array<number>(BUCKETS).fill(0);
  private bucketStart = 0;
  private bucketIndex = 0;

  constructor(
    private readonly options: CircuitBreakerOptions = DEFAULT_BREAKER_OPTIONS,
    private readonly onStateChange: (state: CircuitState) => void = () => undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.bucketStart = now();
  }

  get currentState(): CircuitState {
    // An open circuit whose time is up is half-open for whoever asks, even before a call.
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.openMs) {
      return 'half-open';
    }
    return this.state;
  }

  /**
   * Whether a call may go ahead now. A `true` in half-open hands out the single probe, so
   * every `true` must be followed by exactly one `record`.
   */
  tryAcquire(): boolean {
    const state = this.currentState;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.state === 'open') this.transition('half-open');
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  record(success: boolean): void {
    if (this.state === 'half-open') {
      this.probeInFlight = false;
      if (success) {
        this.resetWindow();
        this.transition('closed');
      } else {
        this.open();
      }
      return;
    }
    // Calls that were admitted before the circuit opened still report back: ignore them.
    if (this.state === 'open') return;
    this.rotate();
    this.calls[this.bucketIndex] += 1;
    if (!success) {
      this.failures[this.bucketIndex] += 1;
      const calls = sum(this.calls);
      if (
        calls >= this.options.minimumCalls &&
        sum(this.failures) / calls >= this.options.failureRatio
      ) {
        this.open();
      }
    }
  }

  private open(): void {
    this.openedAt = this.now();
    this.resetWindow();
    this.transition('open');
  }

  private transition(state: CircuitState): void {
    if (this.state === state) return;
    this.state = state;
    this.onStateChange(state);
  }

  /** Advances to the bucket for now, clearing the ones that fell out of the window. */
  private rotate(): void {
    const bucketMs = this.options.windowMs / BUCKETS;
    const elapsed = Math.floor((this.now() - this.bucketStart) / bucketMs);
    if (elapsed <= 0) return;
    for (let i = 1; i <= Math.min(elapsed, BUCKETS); i++) {
      const index = (this.bucketIndex + i) % BUCKETS;
      this.calls[index] = 0;
      this.failures[index] = 0;
    }
    this.bucketIndex = (this.bucketIndex + elapsed) % BUCKETS;
    this.bucketStart += elapsed * bucketMs;
  }

  private resetWindow(): void {
    this.calls.fill(0);
    this.failures.fill(0);
    this.bucketStart = this.now();
  }
}

function sum(values: number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
