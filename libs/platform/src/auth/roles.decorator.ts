import { SetMetadata, applyDecorators } from '@nestjs/common';
import type { Role } from '@lib/contracts';
import { ApiRoles } from '../http/openapi';

export const ROLES_KEY = 'auth:roles';

/**
 * The caller needs at least one of these roles (403 otherwise). Roles are not hierarchical:
 * list `admin` too where admins should pass. The OpenAPI document names them in its 403.
 */
export const Roles = (...roles: [Role, ...Role[]]) =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), ApiRoles(roles));
