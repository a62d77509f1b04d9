import { coinsFromDb, optionalCoinsFromDb } from './coins';

describe('coinsFromDb (bigint columns read as strings)', () => {
  it('parses safe integers, negative ones included', () => {
    expect(coinsFromDb('0')).toBe(0);
    expect(coinsFromDb('-60')).toBe(-60);
    expect(coinsFromDb('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(coinsFromDb('-9007199254740991')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(optionalCoinsFromDb(null)).toBeNull();
    expect(optionalCoinsFromDb('12')).toBe(12);
  });

  it('refuses values a number cannot hold exactly, and non-integers', () => {
    expect(() => coinsFromDb('9007199254740992')).toThrow(RangeError);
    expect(() => coinsFromDb('9223372036854775807')).toThrow(/MAX_SAFE_INTEGER/);
    expect(() => coinsFromDb('1.5')).toThrow(/not an integer/);
    expect(() => coinsFromDb('')).toThrow(RangeError);
  });
});
