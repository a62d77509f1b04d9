import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { KeysModule } from '../keys/keys.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenIssuer } from './access-token.issuer';
import { LoginThrottle } from './login-throttle';
import { LoginThrottleRepository } from './login-throttle.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [CredentialsModule, KeysModule, UsersModule],
  controllers: [SessionsController],
  providers: [
    AccessTokenIssuer,
    LoginThrottle,
    LoginThrottleRepository,
    RefreshTokensRepository,
    SessionsService,
  ],
})
export class SessionsModule {}
