import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@lib/contracts';
import { Transform } from 'class-transformer';
import { Email } from '@lib/platform';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsString,
  MaxLength,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordProblems,
} from '../credentials/password-policy';
import type { User } from './user.entity';

/** One spelling per mailbox, so `A@x.io ` and `a@x.io` cannot become two accounts. */
export function normaliseEmail(value: unknown): unknown {
  return typeof value === 'string' ? value.trim().toLowerCase() : value;
}

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

@ValidatorConstraint({ name: 'passwordPolicy' })
class PasswordPolicy implements ValidatorConstraintInterface {
  validate(password: unknown, args: ValidationArguments): boolean {
    return typeof password === 'string' && this.problems(password, args).length === 0;
  }

  defaultMessage(args: ValidationArguments): string {
    return this.problems(String(args.value ?? ''), args).join('; ');
  }

  private problems(password: string, args: ValidationArguments): string[] {
    const email = (args.object as { email?: unknown }).email;
    return passwordProblems(password, typeof email === 'string' ? email : '');
  }
}

export class SignupRequest {
  @ApiProperty({ example: 'reader@example.com' })
  @Transform(({ value }) => normaliseEmail(value))
  @Email()
  email!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @Validate(PasswordPolicy)
  password!: string;

  @ApiProperty({
    example: 'Jane Reader',
    minLength: 1,
    maxLength: 64,
    pattern: '\\S',
    description: 'Trimmed; not blank',
  })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'displayName must not be empty' })
  @MaxLength(64)
  displayName!: string;
}

export class SetRolesRequest {
  @ApiProperty({
    enum: ROLES,
    isArray: true,
    minItems: 1,
    maxItems: ROLES.length,
    example: ['reader', 'author'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true, message: `each role must be one of: ${ROLES.join(', ')}` })
  roles!: Role[];
}

/** A user as the API shows it: never the password hash. */
export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty() createdAt!: string;

  static of(user: User): UserResponse {
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      roles: user.roles,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

/**
 * The answer to every well-formed signup, whether the email was free or already registered:
 * the response does not tell which (docs/auth.md).
 */
export class SignupAcceptedResponse {
  @ApiProperty({ enum: ['accepted'] }) status!: 'accepted';
  @ApiProperty() message!: string;
}
