import { runWithRequestId } from '../context/request-context';
import { buildEnvelope, runAsCauseOf } from './envelope.factory';

const data = { walletId: 'w1', userId: 'u1', balance: 100 };

describe('buildEnvelope', () => {
  it('fills the envelope of docs/architecture.md', () => {
    const envelope = buildEnvelope('payment', 'payment.wallet.opened.v1', data);

    expect(envelope).toMatchObject({ type: 'payment.wallet.opened.v1', source: 'payment', data });
    expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(envelope.occurredAt)).not.toBeNaN();
    expect(envelope).not.toHaveProperty('causationId');
  });

  it('takes the correlation id from the current request', () => {
    const envelope = runWithRequestId('req-7', () =>
      buildEnvelope('payment', 'payment.wallet.opened.v1', data),
    );
    expect(envelope.correlationId).toBe('req-7');
  });

  it('starts a new correlation when there is no request', () => {
    const a = buildEnvelope('payment', 'payment.wallet.opened.v1', data);
    const b = buildEnvelope('payment', 'payment.wallet.opened.v1', data);
    expect(a.correlationId).not.toBe(b.correlationId);
  });

  it('names the event being handled as the cause, unless told otherwise', () => {
    const caused = runAsCauseOf('event-1', () =>
      buildEnvelope('payment', 'payment.wallet.opened.v1', data),
    );
    const explicit = runAsCauseOf('event-1', () =>
      buildEnvelope('payment', 'payment.wallet.opened.v1', data, {
        causationId: 'event-2',
        correlationId: 'c',
      }),
    );

    expect(caused.causationId).toBe('event-1');
    expect(explicit).toMatchObject({ causationId: 'event-2', correlationId: 'c' });
  });
});
