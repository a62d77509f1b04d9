import { testEnvelope } from '../../testing/test-envelope';
import { parseEnvelope } from './event-consumer';

const registered = testEnvelope('auth.user.registered.v1', {
  userId: 'u-1',
  email: 'u-1@example.com',
  displayName: 'U',
  roles: ['reader'],
  registeredAt: '2026-11-27T10:00:00.000Z',
});

describe('parseEnvelope', () => {
  it('accepts an envelope whose payload matches its type', () => {
    expect(parseEnvelope(JSON.stringify(registered))).toEqual({ envelope: registered });
  });

  it('says what is wrong with anything else', () => {
    expect(parseEnvelope('{nope')).toEqual({ invalid: 'not JSON' });
    expect(parseEnvelope(JSON.stringify({ ...registered, id: undefined })).invalid).toMatch(
      /^not a valid event envelope \(id: /,
    );
    expect(
      parseEnvelope(JSON.stringify({ ...registered, type: 'auth.user.registered.v9' })),
    ).toEqual({ invalid: 'unknown event type auth.user.registered.v9' });
    const badData = { ...registered, data: { ...registered.data, roles: ['root'] } };
    expect(parseEnvelope(JSON.stringify(badData))).toEqual({
      envelope: badData,
      invalid: expect.stringMatching(/^invalid auth\.user\.registered\.v1: roles\.0: /),
    });
  });
});
