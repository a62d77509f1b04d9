/** The platform's error body (docs/architecture.md), as far as the page reads it. */
export interface ErrorBody {
  statusCode?: number;
  message?: string | string[];
  code?: string;
  requestId?: string;
  [field: string]: unknown;
}

/** A failed call, with a sentence a reader can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly retryAfterSeconds?: number,
  ) {
    super(humanMessage(status, body, retryAfterSeconds));
    this.name = 'ApiError';
  }

  get code(): string | undefined {
    return this.body.code;
  }
}

/** The page's own code for a signup that did not end signed in (session-store's signUp). */
export const SIGNUP_NOT_SIGNED_IN = 'WEB.SIGNUP_NOT_SIGNED_IN';

/** One sentence whether or not the email already had an account. */
const SIGNUP_NEUTRAL =
  'We could not create a new account and sign you in with these details. If you already have an account with this email, log in with its password.';

const BY_CODE: Record<string, string> = {
  [SIGNUP_NOT_SIGNED_IN]: SIGNUP_NEUTRAL,
  'AUTH.INVALID_CREDENTIALS': 'That email and password do not match an account.',
  'AUTH.TOO_MANY_ATTEMPTS': 'Too many sign-in attempts.',
  'PAYMENT.CARD_DECLINED': 'Your card was declined. No money was taken; try another card.',
  'PAYMENT.INSUFFICIENT_FUNDS': 'Your wallet does not have enough coins for this.',
  'GATEWAY.RATE_LIMITED': 'You are going a little fast.',
  'GATEWAY.NO_HEALTHY_INSTANCE':
    'This part of the site is down for a moment; the rest still works.',
  'GATEWAY.CIRCUIT_OPEN': 'This part of the site is down for a moment; the rest still works.',
  'GATEWAY.UPSTREAM_TIMEOUT': 'The server took too long to answer. Please try again.',
  'WEB.AUTH_UNAVAILABLE': 'Signing in is unavailable right now; please try again shortly.',
};

const BY_STATUS: Record<number, string> = {
  401: 'Please log in to continue.',
  403: 'Your account is not allowed to do that.',
  404: 'We could not find that.',
  409: 'That conflicts with something that already exists.',
  413: 'That is too large to send.',
  429: 'You are going a little fast.',
  502: 'The server had a problem. Please try again.',
  503: 'This part of the site is down for a moment. Please try again shortly.',
  504: 'The server took too long to answer. Please try again.',
};

/**
 * Turns an error body into one readable sentence: a known code first, then the service's own
 * validation messages (they are written for people: "password must be longer…"), then the
 * status. Never a stack, never JSON.
 */
export function humanMessage(status: number, body: ErrorBody, retryAfterSeconds?: number): string {
  const wait = retryAfterSeconds ? ` Please wait ${retryAfterSeconds} s and try again.` : '';
  if (body.code && BY_CODE[body.code]) return BY_CODE[body.code] + wait;
  if (status === 400 || status === 422) {
    const messages = Array.isArray(body.message)
      ? body.message
      : body.message
        ? [body.message]
        : [];
    if (messages.length > 0) return messages.map(sentence).join(' ');
    return 'Please check what you entered.';
  }
  if (BY_STATUS[status]) return BY_STATUS[status] + wait;
  if (status === 0) return 'The site cannot be reached. Check your connection and try again.';
  return 'Something went wrong. Please try again.';
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
