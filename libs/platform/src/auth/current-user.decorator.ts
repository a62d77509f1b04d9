import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, AuthUser } from './auth-user';

/**
 * The verified caller. Always set on guarded routes; on @Public() routes it is undefined
 * unless a valid token was sent, so type it `AuthUser | undefined` there.
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);
