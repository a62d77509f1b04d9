import { Module, type DynamicModule, type InjectionToken, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AUTH_MODULE_OPTIONS, type AuthModuleOptions } from './auth.options';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtVerifier } from './jwt-verifier';

export interface AuthModuleAsyncOptions extends AuthModuleRegistration {
  imports?: DynamicModule['imports'];
  inject?: InjectionToken[];
  useFactory: (...deps: never[]) => AuthModuleOptions | Promise<AuthModuleOptions>;
}

export interface AuthModuleRegistration {
  /**
   * Register JwtAuthGuard as a global guard (default true): every route then needs a valid
   * token unless it is marked @Public(). Secure by default; opt out per route, not per app.
   */
  globalGuard?: boolean;
}

/**
 * Token verification for a service: `AuthModule.forRoot({ jwksUrl, issuer, audience })`.
 * Registers JwtAuthGuard globally unless `globalGuard: false`, and exports JwtVerifier and
 * JwtAuthGuard for apps that verify tokens themselves (the gateway) or guard per controller.
 */
@Module({})
export class AuthModule {
  static forRoot(
    options: AuthModuleOptions,
    registration: AuthModuleRegistration = {},
  ): DynamicModule {
    return AuthModule.build(
      { provide: AUTH_MODULE_OPTIONS, useValue: options },
      registration.globalGuard ?? true,
    );
  }

  static forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    return {
      ...AuthModule.build(
        {
          provide: AUTH_MODULE_OPTIONS,
          inject: options.inject ?? [],
          useFactory: options.useFactory,
        },
        options.globalGuard ?? true,
      ),
      imports: options.imports ?? [],
    };
  }

  private static build(optionsProvider: Provider, globalGuard: boolean): DynamicModule {
    const providers: Provider[] = [
      optionsProvider,
      {
        provide: JwtVerifier,
        inject: [AUTH_MODULE_OPTIONS],
        useFactory: (options: AuthModuleOptions) => new JwtVerifier(options),
      },
      JwtAuthGuard,
    ];
    if (globalGuard) providers.push({ provide: APP_GUARD, useExisting: JwtAuthGuard });
    return {
      module: AuthModule,
      global: true,
      providers,
      exports: [JwtVerifier, JwtAuthGuard],
    };
  }
}
