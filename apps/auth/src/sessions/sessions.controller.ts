import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@lib/platform';
import { LoginDto, RefreshTokenDto, TokenResponse } from './sessions.dto';
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
  login(@Body() body: LoginDto, @Ip() ip: string): Promise<TokenResponse> {
    return this.sessions.login(body.email, body.password, ip);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponse })
  refresh(@Body() body: RefreshTokenDto): Promise<TokenResponse> {
    return this.sessions.refresh(body.refreshToken);
  }

  /** Takes the refresh token rather than the access token, so an expired session can end too. */
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse()
  logout(@Body() body: RefreshTokenDto): Promise<void> {
    return this.sessions.logout(body.refreshToken);
  }
}
