import { Module, type ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role } from '@lib/contracts';
import request from 'supertest';
import { AuthModule } from '../auth/auth.module';
import { adminServerOf, createPlatformApp } from '../bootstrap/bootstrap';
import { baseConfigSchema } from '../config/config';
import { TestTokenIssuer } from './test-token-issuer';

export interface ApiTestAppOptions extends Pick<ModuleMetadata, 'imports' | 'providers'> {
  /** The app's name, as in its main.ts. */
  name: string;
  controllers: NonNullable<ModuleMetadata['controllers']>;
}

/** An app's public surface in-process, with the parts an API spec drives it through. */
export interface ApiTestApp {
  app: NestFastifyApplication;
  issuer: TestTokenIssuer;
  /** supertest on the public port. */
  http: () => ReturnType<typeof request>;
  /** supertest on the admin port (health, metrics, OpenAPI). */
  admin: () => ReturnType<typeof request>;
  /** An `authorization` header value for a user with these roles. */
  bearer: (userId: string, roles?: Role[]) => Promise<string>;
}

/**
 * Builds the controllers of an app on the real platform (its ValidationPipe, error filter,
 * request ids and the global JWT guard, with tokens from a throwaway issuer), with whatever
 * the spec provides in place of services and repositories. The app neither listens nor
 * registers; close it with `app.close()`.
 */
export async function apiTestApp(options: ApiTestAppOptions): Promise<ApiTestApp> {
  const issuer = await TestTokenIssuer.create();

  @Module({
    imports: [
      // As in every service: the guard is global and public routes opt out with @Public().
      AuthModule.forRoot({ keys: issuer.keys, issuer: issuer.issuer, audience: issuer.audience }),
      ...(options.imports ?? []),
    ],
    controllers: options.controllers,
    providers: options.providers ?? [],
  })
  class ApiTestModule {}

  const app = await createPlatformApp({
    name: options.name,
    module: ApiTestModule,
    configSchema: baseConfigSchema,
    env: { PORT: '0', LOG_LEVEL: 'silent', CONSUL_REGISTER: 'false' },
  });
  return {
    app,
    issuer,
    http: () => request(app.getHttpServer()),
    admin: () => request(adminServerOf(app)),
    bearer: async (userId, roles = ['reader']) => `Bearer ${await issuer.sign(userId, { roles })}`,
  };
}

/**
 * The platform's error body (docs/architecture.md, "Errors"), with no stack trace in it: what
 * every API spec checks an error answer against.
 */
export function expectErrorBody(body: unknown, status: number, code?: string): void {
  expect(body).toMatchObject({
    statusCode: status,
    error: expect.any(String),
    message: expect.anything(),
    requestId: expect.any(String),
    ...(code ? { code } : {}),
  });
  expect(JSON.stringify(body)).not.toMatch(/at .+\.ts:\d+/);
}
