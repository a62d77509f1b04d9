import { ApiError, humanMessage, SIGNUP_NOT_SIGNED_IN } from './errors';

describe('humanMessage', () => {
  it('names known failures by their code', () => {
    expect(humanMessage(402, { code: 'PAYMENT.CARD_DECLINED', message: 'Card declined' })).toBe(
      'Your card was declined. No money was taken; try another card.',
    );
    expect(humanMessage(401, { code: 'AUTH.INVALID_CREDENTIALS' })).toBe(
      'That email and password do not match an account.',
    );
  });

  it('says of a signup that did not sign in one neutral sentence, never that the email exists', () => {
    const neutral = humanMessage(401, { code: SIGNUP_NOT_SIGNED_IN });
    expect(neutral).toMatch(/^We could not create a new account/);
    expect(neutral).not.toMatch(/already exists/);
  });

  it("shows a service's validation messages as sentences", () => {
    const body = {
      message: ['password must be longer than or equal to 12 characters', 'email must be an email'],
    };
    expect(humanMessage(400, body)).toBe(
      'Password must be longer than or equal to 12 characters. Email must be an email.',
    );
    expect(humanMessage(422, { message: 'Episode 3 is already published.' })).toBe(
      'Episode 3 is already published.',
    );
  });

  it('says how long to wait when the server said so', () => {
    expect(humanMessage(429, { code: 'GATEWAY.RATE_LIMITED' }, 3)).toBe(
      'You are going a little fast. Please wait 3 s and try again.',
    );
  });

  it('falls back on the status, and never shows raw JSON', () => {
    expect(humanMessage(503, { message: 'x' })).toBe(
      'This part of the site is down for a moment. Please try again shortly.',
    );
    expect(humanMessage(0, {})).toBe(
      'The site cannot be reached. Check your connection and try again.',
    );
    expect(humanMessage(500, { message: 'Internal server error' })).toBe(
      'Something went wrong. Please try again.',
    );
  });

  it('is the message of an ApiError, which keeps the body and its code', () => {
    const error = new ApiError(402, { code: 'PAYMENT.CARD_DECLINED', topUpId: 't' });
    expect(error.message).toMatch(/declined/);
    expect(error.code).toBe('PAYMENT.CARD_DECLINED');
    expect(error.body.topUpId).toBe('t');
  });
});
