import { milliseconds, perSecond, ratio, sparklinePoints } from './console-format';

describe('console figures', () => {
  it('writes rates, ratios and latencies briefly, and a dash where there is no value', () => {
    expect(perSecond(0)).toBe('0.00 req/s');
    expect(perSecond(3.456)).toBe('3.46 req/s');
    expect(perSecond(123.6)).toBe('124 req/s');
    expect(ratio(0.25)).toBe('25.0 %');
    expect(ratio(0.0004)).toBe('0.04 %');
    expect(milliseconds(0.0042)).toBe('4.2 ms');
    expect(milliseconds(0.2504)).toBe('250 ms');
    for (const format of [perSecond, ratio, milliseconds]) expect(format(null)).toBe('–');
  });

  it('scales a sparkline to its box, the largest value at the top', () => {
    expect(sparklinePoints([0, 5, 10], 100, 22)).toBe('0,21 50,11 100,1');
    expect(sparklinePoints([0, 0], 100, 22)).toBe('0,21 100,21');
    expect(sparklinePoints([], 100, 22)).toBe('');
  });
});
