import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Public } from '@lib/platform';
import { LoginRequest, RefreshTokenRequest, TokenResponse } from './sessions.dto';
import { SessionsService } from './sessions.service';

/** Public: these are how a client gets (or gives up) its tokens in the first place. */
@ApiTags('auth')
@Public()
@Controller('api/auth')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponse })
  @ApiErrors(
    [401, 'Email or password is incorrect (`AUTH.INVALID_CREDENTIALS`)'],
    [
      429,
      "Too many failed logins from this address or for this account (`AUTH.TOO_MANY_ATTEMPTS`), or the gateway's limits",
    ],
  )
  login(@Body() body: LoginRequest, @Ip() ip: string): Promise<TokenResponse> {
    return this.sessions.login(body.email, body.password, ip);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponse })
  @ApiErrors([401, 'Unknown, expired or reused refresh token (`AUTH.REFRESH_TOKEN_*`)'])
  refresh(@Body() body: RefreshTokenRequest): Promise<TokenResponse> {
    return this.sessions.refresh(body.refreshToken);
  }

  /** Takes the refresh token rather than the access token, so an expired session can end too. */
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Also for an unknown token: there is nothing left to end' })
  logout(@Body() body: RefreshTokenRequest): Promise<void> {
    return this.sessions.logout(body.refreshToken);
  }
}
