import { gateViolations } from './load-gate';

const slo = { maxErrorRatio: 0.001, maxP99Ms: 250 };
const figures = { requests: 400, errors: 0, errorRatio: 0, p99Ms: 42.5, rps: 20 };

describe('gateViolations', () => {
  it('passes a run within the SLOs', () => {
    expect(gateViolations(figures, slo)).toEqual([]);
  });

  it('names each threshold a run exceeds', () => {
    expect(gateViolations({ ...figures, errors: 2, errorRatio: 0.005, p99Ms: 612.3 }, slo)).toEqual(
      ['error ratio 0.50 % (2 of 400) above 0.10 %', 'p99 612.3 ms above 250 ms'],
    );
  });

  it('fails a run that got no answer at all', () => {
    expect(gateViolations({ ...figures, requests: 0 }, slo)).toEqual(['no request was answered']);
  });
});
