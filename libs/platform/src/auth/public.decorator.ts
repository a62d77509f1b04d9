import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'auth:isPublic';

/**
 * The route needs no token. A valid token, when sent, still sets the current user (so a
 * public page can show more to a signed-in reader); an invalid one is ignored there.
 */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
