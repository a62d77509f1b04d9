import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Email, StringLength } from '@lib/platform';
import { PASSWORD_MAX_LENGTH } from '../credentials/password-policy';
import { normaliseEmail } from '../users/users.dto';

export class LoginRequest {
  @ApiProperty({ example: 'reader@example.com' })
  @Transform(({ value }) => normaliseEmail(value))
  @Email()
  email!: string;

  @ApiProperty()
  @StringLength(1, PASSWORD_MAX_LENGTH)
  password!: string;
}

export class RefreshTokenRequest {
  @ApiProperty({ description: 'The opaque refresh token from login or the last refresh.' })
  @StringLength(16, 256)
  refreshToken!: string;
}

export class TokenResponse {
  @ApiProperty({ description: 'A JWT for `Authorization: Bearer …`.' })
  accessToken!: string;

  @ApiProperty({ description: 'Single use: each refresh returns a new one.' })
  refreshToken!: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires.', example: 900 })
  expiresIn!: number;
}
