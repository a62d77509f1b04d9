import {
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { Role } from '@lib/contracts';
import { DomainError } from '../errors/domain-error';
import type { AuthenticatedRequest } from './auth-user';
import { DeletedAccounts } from './deleted-accounts';
import { InvalidTokenError, JwtVerifier } from './jwt-verifier';
import { IS_PUBLIC_KEY } from './public.decorator';
import { ROLES_KEY } from './roles.decorator';

/** RFC 6750: tell the client which scheme to use and, when a token was sent, why it failed. */
const CHALLENGE = 'Bearer';
const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';
/** Requests that change nothing: a deleted account may still read until its token expires. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates every request with a Bearer access token (401 without a valid one), refuses
 * state-changing requests of deleted accounts when the app provides DeletedAccounts (401), then
 * checks @Roles() (403). Routes marked @Public() pass without a token.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly logger = new Logger(JwtAuthGuard.name);
  private deletedAccounts: DeletedAccounts | null | undefined;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(JwtVerifier) private readonly verifier: JwtVerifier,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
  ) {}

  /** The app's DeletedAccounts, looked up once in any of its modules; null when it has none. */
  private deletedAccountsOfApp(): DeletedAccounts | null {
    if (this.deletedAccounts !== undefined) return this.deletedAccounts;
    let found: DeletedAccounts | null;
    try {
      found = this.moduleRef.get(DeletedAccounts, { strict: false });
    } catch {
      found = null;
    }
    this.deletedAccounts = found;
    return found;
  }

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

    const deleted = SAFE_METHODS.has(request.method) ? null : this.deletedAccountsOfApp();
    if (deleted && request.user && (await deleted.isDeleted(request.user.id))) {
      throw new DomainError(
        'AUTH.ACCOUNT_DELETED',
        'This account was deleted; its tokens can no longer change anything',
        401,
        { 'WWW-Authenticate': INVALID_TOKEN_CHALLENGE },
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
