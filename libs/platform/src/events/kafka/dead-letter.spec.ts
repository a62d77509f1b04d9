import { replayValue, toDeadLetter } from './dead-letter';

describe('dead letters', () => {
  const origin = { topic: 'payment.purchases', partition: 2, offset: '41' };

  it('keep the envelope, the error and where the event came from', () => {
    const envelope = {
      id: 'e1',
      type: 'payment.purchase.succeeded.v1',
      data: { purchaseId: 'p1' },
    };
    const letter = toDeadLetter(
      JSON.stringify(envelope),
      new Error('wallet locked'),
      5,
      'webtoon',
      origin,
    );

    expect(letter.envelope).toEqual(envelope);
    expect(letter.error).toMatchObject({
      message: 'wallet locked',
      attempts: 5,
      consumerGroup: 'webtoon',
    });
    expect(letter.error.stack).toContain('wallet locked');
    expect(Date.parse(letter.error.failedAt)).not.toBeNaN();
    expect(letter.origin).toEqual(origin);
    expect(JSON.parse(replayValue(letter))).toEqual(envelope);
  });

  it('keep a message that is not JSON verbatim, so replay sends the same bytes back', () => {
    const letter = toDeadLetter('not json', 'boom', 0, 'blog', origin);

    expect(letter.envelope).toBe('not json');
    expect(letter.error.message).toBe('boom');
    expect(replayValue(letter)).toBe('not json');
  });
});
