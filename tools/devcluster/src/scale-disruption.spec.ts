import { LoadClock, splitByWindows } from './scale-disruption';

const line = (t: number, rps: number, errors = 0) => ({ t, rps, errors, p95Ms: 1 });

describe('splitByWindows', () => {
  it('puts each second in the window holding its start, and sums requests and failures', () => {
    const progress = [line(1, 10), line(2, 10), line(3, 10, 1), line(4, 10), line(5, 10, 2)];
    const [before, during, after] = splitByWindows(progress, [
      { name: 'before', fromS: 0, toS: 2 },
      { name: 'during', fromS: 2, toS: 4 },
      { name: 'after', fromS: 4, toS: 6 },
    ]);
    expect(before).toMatchObject({ requests: 20, errors: 0, errorRatio: 0 });
    expect(during).toMatchObject({ requests: 20, errors: 1, errorRatio: 0.05 });
    expect(after).toMatchObject({ requests: 10, errors: 2, errorRatio: 0.2 });
  });

  it('gives an empty window no requests and a ratio of 0, not NaN', () => {
    expect(splitByWindows([line(1, 10)], [{ name: 'later', fromS: 5, toS: 9 }])[0]).toMatchObject({
      requests: 0,
      errors: 0,
      errorRatio: 0,
    });
  });
});

describe('LoadClock', () => {
  it('keeps the earliest start a progress line allows, whatever the poll delay', () => {
    const clock = new LoadClock();
    expect(clock.known).toBe(false);
    clock.observe([line(3, 1)], 10_500); // seen 0.5 s late: start ≤ 7.5 s
    clock.observe([line(3, 1), line(4, 1)], 11_100); // seen 0.1 s late: start ≤ 7.1 s
    clock.observe([line(3, 1), line(4, 1)], 12_000); // nothing new: no better bound
    expect(clock.known).toBe(true);
    expect(clock.at(17_100)).toBeCloseTo(10);
  });

  it('ignores a poll that saw no progress yet', () => {
    const clock = new LoadClock();
    clock.observe([], 5_000);
    expect(clock.known).toBe(false);
  });
});
