import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiUuidParams,
  CurrentUser,
  Public,
  Roles,
  type AuthUser,
  idParam,
} from '@lib/platform';
import { SetRolesRequest, SignupAcceptedResponse, SignupRequest, UserResponse } from './users.dto';
import { UsersService } from './users.service';

@ApiTags('auth')
@Controller('api/auth')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post('signup')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: SignupAcceptedResponse })
  signup(@Body() body: SignupRequest): Promise<SignupAcceptedResponse> {
    return this.users.signup(body);
  }

  @Get('me')
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors([404, 'The account was deleted (`AUTH.USER_NOT_FOUND`)'])
  me(@CurrentUser() user: AuthUser): Promise<UserResponse> {
    return this.users.me(user.id);
  }

  @Delete('me')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors([404, 'The account was deleted (`AUTH.USER_NOT_FOUND`)'])
  deleteMe(@CurrentUser() user: AuthUser): Promise<void> {
    return this.users.deleteMe(user.id);
  }

  @Roles('admin')
  @Put('users/:id/roles')
  @ApiOkResponse({ type: UserResponse })
  @ApiUuidParams(['id'])
  @ApiErrors([422, 'Admins cannot remove their own admin role (`AUTH.CANNOT_DROP_OWN_ADMIN`)'])
  setRoles(
    @CurrentUser() admin: AuthUser,
    @Param('id', idParam('uuid')) id: string,
    @Body() body: SetRolesRequest,
  ): Promise<UserResponse> {
    return this.users.setRoles(admin.id, id, body.roles);
  }
}
