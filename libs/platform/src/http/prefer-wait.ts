import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

/**
 * The seconds a client asked to wait with `Prefer: wait=N` (RFC 7240 §4.3), at most `max`; 0
 * when it asked for none. A malformed or unknown preference is ignored, as the RFC says, never
 * refused: it is a hint, and the answer is the same one later at worst.
 */
export function preferredWaitSeconds(header: unknown, max: number): number {
  const values = Array.isArray(header) ? header : [header];
  for (const value of values) {
    if (typeof value !== 'string' || value.length > 1024) continue;
    for (const preference of value.split(',')) {
      const match = /^\s*wait\s*=\s*"?(\d{1,6})"?\s*(?:;.*)?$/i.exec(preference);
      if (match) return Math.min(Number(match[1]), max);
    }
  }
  return 0;
}

/** `@PreferWait(max)`: the request's `Prefer: wait` in seconds, capped at `max`. */
export const PreferWait = createParamDecorator((max: number, context: ExecutionContext): number =>
  preferredWaitSeconds(
    context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers.prefer,
    max,
  ),
);

/** Documents the `Prefer: wait` header PreferWait() reads. */
export const ApiPreferWait = (max: number, what: string) =>
  ApiHeader({
    name: 'Prefer',
    required: false,
    description: `\`wait=N\` (RFC 7240): hold the answer up to N seconds (at most ${max}) until ${what}; without it, the current state at once. Other preferences, and a malformed one, are ignored`,
    // Any string: a preference the server does not understand is ignored, never refused.
    schema: { type: 'string' },
  });
