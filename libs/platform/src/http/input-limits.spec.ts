import { DomainError } from '../errors/domain-error';
import {
  assertSafeParameters,
  isStorableString,
  nestsDeeperThan,
  parseJsonWithin,
} from './input-limits';

const limits = { maxDepth: 8, maxKeys: 20 };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? `${error.status} ${error.code}` : String(error);
  }
}

describe('nestsDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(nestsDeeperThan('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(nestsDeeperThan('{"a":"[[[[[[[[[[{{{{{{"}', 1)).toBe(false);
    expect(nestsDeeperThan('{"a":"\\"[[[[\\\\","b":{}}', 2)).toBe(false);
  });

  it('stops at the limit on a body of thousands of levels', () => {
    expect(nestsDeeperThan('['.repeat(100_000), 32)).toBe(true);
  });
});

describe('isStorableString', () => {
  it.each([
    ['plain text', 'Hello, world', true],
    ['a pair making one emoji', 'ok \ud83d\ude00', true],
    ['a NUL character', 'a\u0000b', false],
    ['a lone low surrogate', 'x\udfff', false],
    ['a lone high surrogate at the end', 'x\ud83d', false],
    ['two high surrogates', '\ud83d\ud83d\ude00', false],
  ])('%s → %s', (_case, value, storable) => {
    expect(isStorableString(value)).toBe(storable);
  });
});

describe('parseJsonWithin', () => {
  it('parses a body within the limits to the same value as JSON.parse', () => {
    const text = '{"title":"Solo \\ud83d\\ude00","genres":["a","b"],"n":{"m":[1,2,{"k":null}]}}';
    expect(parseJsonWithin(text, limits)).toEqual(JSON.parse(text));
  });

  it.each([
    ['2 400 levels of arrays', '['.repeat(2_400) + ']'.repeat(2_400), '400 REQUEST.TOO_DEEP'],
    ['deep objects', '{"a":'.repeat(9) + '1' + '}'.repeat(9), '400 REQUEST.TOO_DEEP'],
    ['an unclosed deep body', '{"a":'.repeat(50_000), '400 REQUEST.TOO_DEEP'],
    [
      'too many keys',
      JSON.stringify(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]))),
      '400 REQUEST.TOO_MANY_KEYS',
    ],
    ['NUL escaped in a value', '{"displayName":"a\\u0000"}', '400 REQUEST.INVALID_STRING'],
    [
      'a lone surrogate escaped in a value',
      '{"displayName":"\\udfff"}',
      '400 REQUEST.INVALID_STRING',
    ],
    ['a lone surrogate in a key', '{"\\ud800":1}', '400 REQUEST.INVALID_STRING'],
    ['NUL deep in an array', '{"a":[["ok","\\u0000"]]}', '400 REQUEST.INVALID_STRING'],
    ['a __proto__ key', '{"__proto__":{"admin":true}}', '400 REQUEST.MALFORMED_BODY'],
    [
      'a constructor.prototype key',
      '{"constructor":{"prototype":{}}}',
      '400 REQUEST.MALFORMED_BODY',
    ],
    ['malformed JSON', '{"a":', '400 REQUEST.MALFORMED_BODY'],
  ])('refuses %s with a 400', (_case, text, expected) => {
    expect(codeOf(() => parseJsonWithin(text, limits))).toBe(expected);
  });

  it('lets a key named constructor with an ordinary value through', () => {
    expect(parseJsonWithin('{"constructor":"x"}', limits)).toEqual({ constructor: 'x' });
  });
});

describe('assertSafeParameters', () => {
  it('accepts ordinary values, repeated ones included', () => {
    expect(() => assertSafeParameters({ q: 'solo', genre: ['a', 'b'] }, 'Query')).not.toThrow();
    expect(() => assertSafeParameters(undefined, 'Query')).not.toThrow();
  });

  it.each([[{ q: '\u0000' }], [{ q: ['ok', 'bad\udfff'] }], [{ 'a\u0000': 'x' }]])(
    'refuses %j with a 400',
    (parameters) => {
      expect(codeOf(() => assertSafeParameters(parameters, 'Query parameters'))).toBe(
        '400 REQUEST.INVALID_STRING',
      );
    },
  );
});
