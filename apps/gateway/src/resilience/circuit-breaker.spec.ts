import { CircuitBreaker, type CircuitState } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now: number;
  let states: CircuitState[];
  let breaker: CircuitBreaker;
  const options = { failureRatio: 0.5, minimumCalls: 4, windowMs: 1000, openMs: 500 };

  const call = (success: boolean) => {
    const admitted = breaker.tryAcquire();
    if (admitted) breaker.record(success);
    return admitted;
  };

  beforeEach(() => {
    now = 0;
    states = [];
    breaker = new CircuitBreaker(
      options,
      (state) => states.push(state),
      () => now,
    );
  });

  it('stays closed below the minimum number of calls', () => {
    call(false);
    call(false);
    call(false);
    expect(breaker.currentState).toBe('closed');
  });

  it('stays closed while the failure ratio is under the threshold', () => {
    [true, true, false, true, true, false, true].forEach(call);
    expect(breaker.currentState).toBe('closed');
  });

  it('opens at the failure ratio and then rejects without calling', () => {
    [true, false, true, false].forEach(call);
    expect(breaker.currentState).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    expect(states).toEqual(['open']);
  });

  it('lets one probe through after openMs and closes when it succeeds', () => {
    [false, false, false, false].forEach(call);
    now = 499;
    expect(breaker.tryAcquire()).toBe(false);
    now = 500;
    expect(breaker.currentState).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false); // only one probe at a time
    breaker.record(true);
    expect(breaker.currentState).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
    // The old failures are forgotten: one more failure does not reopen it.
    call(false);
    expect(breaker.currentState).toBe('closed');
  });

  it('reopens when the probe fails', () => {
    [false, false, false, false].forEach(call);
    now = 600;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.record(false);
    expect(breaker.currentState).toBe('open');
    now = 1000;
    expect(breaker.tryAcquire()).toBe(false);
    now = 1100;
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('forgets failures that slid out of the window', () => {
    [false, false, false].forEach(call);
    now = 1500;
    [true, true, true, false].forEach(call);
    expect(breaker.currentState).toBe('closed');
  });

  it('ignores late results of calls admitted before it opened', () => {
    const admitted = [breaker.tryAcquire(), breaker.tryAcquire()];
    [false, false, false, false].forEach(call);
    expect(admitted).toEqual([true, true]);
    breaker.record(true);
    breaker.record(true);
    expect(breaker.currentState).toBe('open');
  });
});
