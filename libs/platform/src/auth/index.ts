export * from './auth-user';
export * from './auth.options';
export * from './jwt-verifier';
export * from './jwt-auth.guard';
export * from './auth.module';
export * from './public.decorator';
export * from './roles.decorator';
export * from './current-user.decorator';
