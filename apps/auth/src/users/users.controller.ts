import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, idParam, Public, Roles, type AuthUser } from '@lib/platform';
import { SetRolesDto, SignupAcceptedResponse, SignupDto, UserResponse } from './users.dto';
import { UsersService } from './users.service';

@ApiTags('auth')
@Controller('api/auth')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post('signup')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: SignupAcceptedResponse })
  signup(@Body() body: SignupDto): Promise<SignupAcceptedResponse> {
    return this.users.signup(body);
  }

  @ApiBearerAuth()
  @Get('me')
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentUser() user: AuthUser): Promise<UserResponse> {
    return this.users.me(user.id);
  }

  @ApiBearerAuth()
  @Delete('me')
  @HttpCode(204)
  deleteMe(@CurrentUser() user: AuthUser): Promise<void> {
    return this.users.deleteMe(user.id);
  }

  @Roles('admin')
  @ApiBearerAuth()
  @Put('users/:id/roles')
  @ApiOkResponse({ type: UserResponse })
  setRoles(
    @CurrentUser() admin: AuthUser,
    @Param('id', idParam('uuid')) id: string,
    @Body() body: SetRolesDto,
  ): Promise<UserResponse> {
    return this.users.setRoles(admin.id, id, body.roles);
  }
}
