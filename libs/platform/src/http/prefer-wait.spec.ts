import { preferredWaitSeconds } from './prefer-wait';

describe('preferredWaitSeconds', () => {
  it.each([
    ['wait=3', 3],
    ['WAIT = 2', 2],
    ['respond-async, wait=4', 4],
    ['wait="1"', 1],
    ['wait=2; foo=bar', 2],
  ])('reads %s', (header, seconds) => {
    expect(preferredWaitSeconds(header, 10)).toBe(seconds);
  });

  it('caps the wait at the maximum', () => {
    expect(preferredWaitSeconds('wait=999999', 5)).toBe(5);
  });

  it('reads the first of repeated headers that says wait', () => {
    expect(preferredWaitSeconds(['return=minimal', 'wait=2'], 5)).toBe(2);
  });

  it.each([
    undefined,
    '',
    'wait=',
    'wait=-1',
    'wait=1.5',
    'wait=abc',
    'waiting=3',
    'wait=1234567',
    42,
  ])('ignores %p', (header) => {
    expect(preferredWaitSeconds(header, 5)).toBe(0);
  });

  it('ignores a header longer than any real preference list', () => {
    expect(preferredWaitSeconds(`${'x'.repeat(2000)}, wait=3`, 5)).toBe(0);
  });
});
