import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  createAccessLog,
  createLogger,
  isoTime,
  TurnBatchedStream,
  type AccessEntry,
} from './logger';
import { QueryFailedError } from 'typeorm';
import { runWithRequestId } from '../context/request-context';

/** Collects what the logger hands to its destination, write by write. */
function memoryDestination() {
  const writes: string[] = [];
  return {
    writes,
    lines: () =>
      writes
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    write: (chunk: string) => writes.push(chunk) > 0,
    flushSync: () => undefined,
  };
}

const entry: AccessEntry = {
  requestId: 'req-1',
  method: 'GET',
  route: '/api/webtoons/:id',
  status: 200,
  ms: 1.5,
};

describe('createLogger', () => {
  it('writes JSON lines with level label, ISO time, app and the current request id', async () => {
    const destination = memoryDestination();
    const logger = createLogger('webtoon', 'info', destination);
    runWithRequestId('abc', () => logger.info({ seriesId: 's1' }, 'cached'));
    logger.debug('not at info');
    await nextTurn();
    const [line, ...rest] = destination.lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      level: 'info',
      app: 'webtoon',
      requestId: 'abc',
      seriesId: 's1',
      msg: 'cached',
    });
    expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it('redacts secrets logged by field name', async () => {
    const destination = memoryDestination();
    const logger = createLogger('auth', 'info', destination);
    logger.info({ password: 'hunter2', refreshToken: 'r', email: 'a@b.c' }, 'signup');
    await nextTurn();
    expect(destination.lines()[0]).toMatchObject({
      password: '[redacted]',
      refreshToken: '[redacted]',
      email: 'a@b.c',
    });
  });

  it('logs a failed query without its parameters, the row it quoted or the driver error', async () => {
    const destination = memoryDestination();
    const logger = createLogger('auth', 'info', destination);
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g';
    const driverError = Object.assign(
      new Error('invalid input syntax for type uuid: "alice@example.com"'),
      { code: '22P02', detail: 'Key (email)=(alice@example.com) already exists.', where: 'x' },
    );
    const error = new QueryFailedError(
      'INSERT INTO users (email, password_hash) VALUES ($1, $2)',
      ['alice@example.com', hash],
      driverError,
    );
    logger.error({ err: error, requestId: 'r1' }, 'request failed');
    await nextTurn();
    const text = destination.writes.join('');
    expect(text).not.toContain('alice@example.com');
    expect(text).not.toContain(hash);
    expect(text).not.toContain('argon2id');
    const [line] = destination.lines();
    expect(line.err).toMatchObject({
      type: 'QueryFailedError',
      code: '22P02',
      message: 'invalid input syntax for type uuid: "[redacted]"',
      query: 'INSERT INTO users (email, password_hash) VALUES ($1, $2)',
    });
    for (const field of ['parameters', 'detail', 'where', 'driverError']) {
      expect(line.err).not.toHaveProperty(field);
    }
    expect(error.parameters).toEqual(['alice@example.com', hash]);
  });

  it('hands the lines of one event-loop turn to the destination as one write, in order', async () => {
    const destination = memoryDestination();
    const logger = createLogger('webtoon', 'info', destination);
    for (let i = 0; i < 5; i++) logger.info({ i }, 'line');
    expect(destination.writes).toHaveLength(0);
    await nextTurn();
    expect(destination.writes).toHaveLength(1);
    expect(destination.lines().map((line) => line.i)).toEqual([0, 1, 2, 3, 4]);
    logger.info({ i: 5 }, 'line');
    await nextTurn();
    expect(destination.writes).toHaveLength(2);
  });
});

describe('TurnBatchedStream', () => {
  it('flushSync writes what is pending, then flushes the destination', () => {
    const calls: string[] = [];
    const stream = new TurnBatchedStream({
      write: (chunk: string) => calls.push(`write ${chunk}`) > 0,
      flushSync: () => void calls.push('flushSync'),
    });
    stream.write('a\n');
    stream.write('b\n');
    stream.flushSync();
    expect(calls).toEqual(['write a\nb\n', 'flushSync']);
  });
});

describe('createAccessLog', () => {
  it('writes the same line pino writes for the entry', async () => {
    const viaPino = memoryDestination();
    createLogger('webtoon', 'info', viaPino).info(entry, 'request');
    const viaTemplate = memoryDestination();
    createAccessLog(createLogger('webtoon', 'info', viaTemplate))(entry, false);
    await nextTurn();
    const [expected] = viaPino.lines();
    const [actual] = viaTemplate.lines();
    expect({ ...actual, time: undefined }).toEqual({ ...expected, time: undefined });
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
  });

  it('escapes strings, so a route cannot break the line', async () => {
    const destination = memoryDestination();
    createAccessLog(createLogger('webtoon', 'info', destination))(
      { ...entry, route: 'a"b\\c\n', requestId: '"}' },
      false,
    );
    await nextTurn();
    expect(destination.lines()[0]).toMatchObject({ route: 'a"b\\c\n', requestId: '"}' });
  });

  it('writes quiet requests at debug and respects the level', async () => {
    const atInfo = memoryDestination();
    const info = createAccessLog(createLogger('webtoon', 'info', atInfo));
    info(entry, true);
    info({ ...entry, status: 404 }, false);
    const atWarn = memoryDestination();
    createAccessLog(createLogger('webtoon', 'warn', atWarn))(entry, false);
    const atDebug = memoryDestination();
    createAccessLog(createLogger('webtoon', 'debug', atDebug))(entry, true);
    await nextTurn();
    expect(atInfo.lines()).toEqual([expect.objectContaining({ level: 'info', status: 404 })]);
    expect(atWarn.lines()).toEqual([]);
    expect(atDebug.lines()).toEqual([
      expect.objectContaining({ level: 'debug', route: entry.route }),
    ]);
  });
});

describe('isoTime', () => {
  it('is the current time as pino would format it', () => {
    const before = Date.now();
    const time = Date.parse(JSON.parse(`{${isoTime().slice(1)}}`).time);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });
});
