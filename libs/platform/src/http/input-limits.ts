import { DomainError } from '../errors/domain-error';

/** Bounds on a JSON body, checked before it is parsed into objects or validated. */
export interface JsonLimits {
  /** Nesting of objects and arrays; validation recurses once per level. */
  maxDepth: number;
  /** Object keys in the whole body, counted over every level. */
  maxKeys: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 32, maxKeys: 1_000 };

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether a JSON text nests objects and arrays deeper than `maxDepth`, found by one pass over
 * its characters (brackets inside strings do not count), so a hostile body is refused before
 * the parser or the validator recurse into it.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

// Code units, not code points (no `u` flag): a high half not followed by a low one, or a low
// half not preceded by a high one.
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A string PostgreSQL and MongoDB can store as text and every client can encode: no NUL
 * character and no lone half of a surrogate pair.
 */
export function isStorableString(value: string): boolean {
  return !UNSTORABLE.test(value);
}

export const invalidStringError = (where: string) =>
  new DomainError(
    'REQUEST.INVALID_STRING',
    `${where} must not contain NUL characters or unpaired surrogates`,
    400,
  );

function hasPrototypeKey(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, 'prototype');
}

/**
 * Walks a parsed JSON value: every key and string must be storable and the keys, all levels
 * together, at most `maxKeys`; no `__proto__` or `constructor.prototype` key (the ones that reach
 * a prototype once merged into another object). Iterative, so its stack does not grow with the input.
 */
export function assertSafeJsonValue(value: unknown, maxKeys: number): void {
  const pending: unknown[] = [value];
  let keys = 0;
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'string') {
      if (!isStorableString(current)) throw invalidStringError('Strings in the body');
    } else if (Array.isArray(current)) {
      for (const item of current) pending.push(item);
    } else if (typeof current === 'object' && current !== null) {
      for (const key of Object.keys(current)) {
        if (++keys > maxKeys) {
          throw new DomainError(
            'REQUEST.TOO_MANY_KEYS',
            `The body must not have more than ${maxKeys} keys`,
            400,
          );
        }
        if (!isStorableString(key)) throw invalidStringError('Keys in the body');
        const item = (current as Record<string, unknown>)[key];
        if (key === '__proto__' || (key === 'constructor' && hasPrototypeKey(item))) {
          throw new DomainError('REQUEST.MALFORMED_BODY', 'The body has a forbidden key', 400);
        }
        pending.push(item);
      }
    }
  }
}

/** Parses a JSON body within `limits`; anything outside them, or malformed, is a 400 DomainError. */
export function parseJsonWithin(text: string, limits: JsonLimits): unknown {
  if (nestsDeeperThan(text, limits.maxDepth)) {
    throw new DomainError(
      'REQUEST.TOO_DEEP',
      `JSON must not nest objects and arrays deeper than ${limits.maxDepth} levels`,
      400,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError('REQUEST.MALFORMED_BODY', 'The body is not valid JSON', 400);
  }
  assertSafeJsonValue(value, limits.maxKeys);
  return value;
}

/**
 * Query and path parameters, as Fastify parsed them (strings, or arrays of strings for a
 * repeated query parameter): every value and name must be a storable string.
 */
export function assertSafeParameters(parameters: unknown, where: string): void {
  if (typeof parameters !== 'object' || parameters === null) return;
  for (const [name, value] of Object.entries(parameters)) {
    if (!isStorableString(name)) throw invalidStringError(where);
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (typeof item === 'string' && !isStorableString(item)) throw invalidStringError(where);
    }
  }
}
