import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiPublic } from '../http/openapi';

export const IS_PUBLIC_KEY = 'auth:isPublic';

/**
 * The route needs no token. A valid token, when sent, still sets the current user (so a
 * public page can show more to a signed-in reader); an invalid one is ignored there.
 * The OpenAPI document declares no security requirement for it (completeOpenApi).
 */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC_KEY, true), ApiPublic());
