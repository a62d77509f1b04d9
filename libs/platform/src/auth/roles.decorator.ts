import { SetMetadata } from '@nestjs/common';
import type { Role } from '@lib/contracts';

export const ROLES_KEY = 'auth:roles';

/**
 * The caller needs at least one of these roles (403 otherwise). Roles are not hierarchical:
 * list `admin` too where admins should pass.
 */
export const Roles = (...roles: [Role, ...Role[]]) => SetMetadata(ROLES_KEY, roles);
