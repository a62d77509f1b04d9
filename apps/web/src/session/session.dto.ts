import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

/** Checked for shape only: auth validates and answers for the content. */
export class LoginRequest {
  @ApiProperty({ example: 'reader@example.com' })
  @IsString()
  @MaxLength(320)
  email!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  password!: string;
}

export class AccessTokenResponse {
  @ApiProperty({ description: 'Keep in memory only; it expires after expiresIn seconds' })
  accessToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: string;
  @ApiProperty() expiresIn!: number;
}
