import { classifyFailure, TransientError } from './failure';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyFailure', () => {
  it.each([
    [withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'network'],
    [withCode('terminating connection due to administrator command', '57P01'), 'database'],
    [withCode('the database system is starting up', '57P03'), 'database'],
    [withCode('could not serialize access', '40001'), 'database'],
    [withCode('connection failure', '08006'), 'database'],
    [new Error('Connection terminated unexpectedly'), 'database'],
    [new Error('timeout exceeded when trying to connect'), 'timeout'],
    [withCode('canceling statement due to statement timeout', '57014'), 'timeout'],
    [Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' }), 'broker'],
    [new TransientError('no wallet yet'), 'transient'],
  ])('retries %s without limit (%s)', (error, reason) => {
    expect(classifyFailure(error)).toEqual({ kind: 'infrastructure', reason });
  });

  it.each([
    [new Error('cannot apply amount 13')],
    [withCode('duplicate key value violates unique constraint', '23505')],
    [withCode('new row violates check constraint', '23514')],
    [new Error('purchase p1 has an invalid price 0')],
    ['a thrown string'],
  ])('dead-letters %s after its retries', (error) => {
    expect(classifyFailure(error)).toEqual({ kind: 'message', reason: 'handler' });
  });
});
