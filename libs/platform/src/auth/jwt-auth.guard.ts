import {
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@lib/contracts';
import { DomainError } from '../errors/domain-error';
import type { AuthenticatedRequest } from './auth-user';
import { InvalidTokenError, JwtVerifier } from './jwt-verifier';
import { IS_PUBLIC_KEY } from './public.decorator';
import { ROLES_KEY } from './roles.decorator';

/** RFC 6750: tell the client which scheme to use and, when a token was sent, why it failed. */
const CHALLENGE = 'Bearer';
const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

/**
 * Authenticates every request with a Bearer access token (401 without a valid one), then
 * checks @Roles() (403). Routes marked @Public() pass without a token.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly logger = new Logger(JwtAuthGuard.name);

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(JwtVerifier) private readonly verifier: JwtVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) ?? false;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);

    if (isPublic) {
      if (token) request.user = await this.verifier.verify(token).catch(() => undefined);
      return true;
    }
    if (!token) {
      throw new DomainError('AUTH.TOKEN_MISSING', 'A Bearer access token is required', 401, {
        'WWW-Authenticate': CHALLENGE,
      });
    }
    try {
      request.user = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        this.logger.debug(`Rejected access token: ${error.reason}`);
        throw new DomainError('AUTH.TOKEN_INVALID', error.message, 401, {
          'WWW-Authenticate': INVALID_TOKEN_CHALLENGE,
        });
      }
      this.logger.error(`Cannot verify access tokens: ${String((error as Error).cause ?? error)}`);
      throw new DomainError(
        'AUTH.KEYS_UNAVAILABLE',
        'Access tokens cannot be verified right now',
        503,
      );
    }

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (required && !required.some((role) => request.user?.roles.includes(role))) {
      throw new DomainError(
        'AUTH.FORBIDDEN',
        `This needs one of the roles: ${required.join(', ')}`,
        403,
      );
    }
    return true;
  }
}

function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  return match?.[1];
}
