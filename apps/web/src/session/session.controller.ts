import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@lib/platform';
import { AuthUnavailableError } from './auth-client';
import { readSessionCookie } from './session-cookie';
import { AccessTokenResponse, LoginRequest } from './session.dto';
import { SessionService, type SessionAnswer, type SessionRequest } from './session.service';

/**
 * A header no cross-site form or image can send, and that a cross-origin script could send
 * only after a CORS preflight this app never grants: no other site can sign a visitor in to
 * an account of its choosing, or out.
 */
export const SESSION_HEADER = 'x-requested-with';
export const SESSION_HEADER_VALUE = 'web';

@ApiTags('session')
@ApiHeader({ name: SESSION_HEADER, required: true, schema: { enum: [SESSION_HEADER_VALUE] } })
@Controller('session')
export class SessionController {
  constructor(@Inject(SessionService) private readonly sessions: SessionService) {}

  @Post('login')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: AccessTokenResponse, description: 'Sets the session cookie' })
  async login(
    @Body() body: LoginRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = sessionRequest(request);
    send(
      reply,
      await guard(() =>
        this.sessions.login({ email: body.email, password: body.password }, context),
      ),
    );
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiResponse({
    status: 200,
    type: AccessTokenResponse,
    description: 'Rotates the session cookie',
  })
  @ApiResponse({ status: 204, description: 'No session cookie: nobody is signed in' })
  async refresh(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = sessionRequest(request);
    send(reply, await guard(() => this.sessions.refresh(context)));
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = sessionRequest(request);
    send(reply, await guard(() => this.sessions.logout(context)));
  }
}

function sessionRequest(request: FastifyRequest): SessionRequest {
  if (request.headers[SESSION_HEADER] !== SESSION_HEADER_VALUE) {
    throw new DomainError(
      'WEB.SESSION_HEADER_MISSING',
      `Session requests need the ${SESSION_HEADER} header`,
      403,
    );
  }
  const forwardedFor = request.headers['x-forwarded-for'];
  const peer = request.socket.remoteAddress ?? 'unknown';
  const userAgent = request.headers['user-agent'];
  return {
    requestId: request.id,
    forwardedFor:
      typeof forwardedFor === 'string' && forwardedFor ? `${forwardedFor}, ${peer}` : peer,
    ...(userAgent ? { userAgent } : {}),
    refreshToken: readSessionCookie(request.headers.cookie),
    https: request.headers['x-forwarded-proto'] === 'https' || request.protocol === 'https',
  };
}

async function guard(call: () => Promise<SessionAnswer>): Promise<SessionAnswer> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AuthUnavailableError) {
      throw new DomainError(
        'WEB.AUTH_UNAVAILABLE',
        'Signing in is unavailable right now; try again shortly',
        503,
      );
    }
    throw error;
  }
}

function send(reply: FastifyReply, answer: SessionAnswer): void {
  if (answer.setCookie) void reply.header('set-cookie', answer.setCookie);
  if (answer.retryAfter) void reply.header('retry-after', answer.retryAfter);
  // Tokens must not be kept by any cache between here and the page.
  void reply.header('cache-control', 'no-store');
  void reply.code(answer.status).send(answer.body);
}
