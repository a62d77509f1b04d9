import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { REQUEST_ID_HEADER } from '@lib/contracts';
import {
  adminPortOf,
  APP_CONFIG,
  BaseConfig,
  ConfigError,
  ConfigSchema,
  loadConfig,
} from '../config/config';
import { ConsulRegistration } from '../consul/consul-registration';
import { isAcceptableRequestId } from '../context/request-context';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { HealthRegistry } from '../health/health.registry';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { completeOpenApi } from '../http/openapi';
import { clientErrorHandler, installJsonParser, installParameterChecks } from '../http/input-hooks';
import { trustedHops } from '../http/trusted-proxies';
import { PlatformValidationPipe } from '../http/validation-pipe';
import { createAccessLog, createLogger, PinoNestLogger } from '../logging/logger';
import { MetricsService } from '../metrics/metrics.service';
import { ADMIN_PATHS, createAdminServer, installPortSeparation } from './admin-server';
import { PlatformModule } from './platform.module';
import { installRequestHooks } from './request-hooks';

export interface PlatformAppOptions<C extends BaseConfig> {
  /** The app's name: its Consul service name, log and metric label. */
  name: string;
  /** The app's root module. */
  module: Type<unknown>;
  configSchema: ConfigSchema<C>;
  /** Defaults to process.env; tests pass their own. */
  env?: Record<string, string | undefined>;
  /**
   * `false`: no request runs in an async context, so `currentRequestId()` is undefined and log
   * lines carry a request id only when they name it. On Node 20 the context works through
   * promise hooks, and once one request has entered it they run on every promise of the
   * process for good (a health check is enough). For an app whose hot path names the id
   * itself: the gateway. Default true.
   */
  requestContext?: boolean;
  /**
   * Paths served on the admin port only, besides ADMIN_PATHS (health, metrics, OpenAPI):
   * a prefix ending in `/` or an exact path.
   */
  adminPaths?: readonly string[];
  /** Where log lines go; default stdout. Tests that read an app's logs pass their own. */
  logDestination?: Parameters<typeof createLogger>[2];
}

const loggers = new WeakMap<NestFastifyApplication, Logger>();
const adminServers = new WeakMap<NestFastifyApplication, Server>();

function loggerOf(app: NestFastifyApplication): Logger {
  const logger = loggers.get(app);
  if (!logger) throw new Error('not an app made by createPlatformApp');
  return logger;
}

/**
 * The server of an app's admin port (health, metrics, OpenAPI document and the app's own admin
 * paths); `app.getHttpServer()` is the public one. Tests drive both with supertest.
 */
export function adminServerOf(app: NestFastifyApplication): Server {
  const server = adminServers.get(app);
  if (!server) throw new Error('not an app made by createPlatformApp');
  return server;
}

/**
 * Builds and initialises an app the way every app is built: Fastify, validation, one error
 * shape, request ids, logs, and on a second server (`adminServerOf`) health, metrics and its
 * OpenAPI document at /openapi.json.
 * It does not listen or register: integration tests drive it in-process with supertest.
 */
export async function createPlatformApp<C extends BaseConfig>(
  options: PlatformAppOptions<C>,
): Promise<NestFastifyApplication> {
  const config = loadConfig(options.configSchema, options.env ?? process.env);
  const logger = createLogger(options.name, config.LOG_LEVEL, options.logDestination);

  @Module({ imports: [PlatformModule.forRoot(options.name, config), options.module] })
  class RootModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 256 },
    // The client's address arrives in X-Forwarded-For; believed only from the listed hops.
    trustProxy: trustedHops(config.TRUSTED_PROXIES),
    clientErrorHandler,
    genReqId: (request: IncomingMessage) => {
      const given = request.headers[REQUEST_ID_HEADER];
      return isAcceptableRequestId(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(RootModule, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    // Fastify's JSON parser is replaced by one with limits (installJsonParser); no other type is parsed.
    bodyParser: false,
  });
  loggers.set(app, logger);
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(new PlatformValidationPipe());

  const fastify = app.getHttpAdapter().getInstance();
  installJsonParser(fastify, { maxDepth: config.JSON_MAX_DEPTH, maxKeys: config.JSON_MAX_KEYS });
  const health = app.get(HealthRegistry);
  installRequestHooks(
    fastify,
    app.get(MetricsService),
    createAccessLog(logger),
    () => health.isDraining,
    options.requestContext ?? true,
  );
  installPortSeparation(fastify, [...ADMIN_PATHS, ...(options.adminPaths ?? [])]);
  installParameterChecks(fastify);
  adminServers.set(app, createAdminServer(fastify));

  await app.init();
  // Built on the first request, not at start: it is asked for rarely (the gateway's /docs) and
  // building it costs start-up time and memory that an idle instance would carry for nothing.
  let document: OpenAPIObject | undefined;
  fastify.get('/openapi.json', (_request, reply) => {
    document ??= completeOpenApi(
      SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle(options.name)
          .setVersion(config.SERVICE_VERSION)
          .addBearerAuth()
          .build(),
      ),
      { guarded: hasJwtGuard(app) },
    );
    void reply.send(document);
  });
  await fastify.ready();
  return app;
}

/** Whether the app imports the platform's AuthModule, whose JwtAuthGuard every service runs. */
function hasJwtGuard(app: NestFastifyApplication): boolean {
  try {
    app.get(JwtAuthGuard, { strict: false });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts an app as a running instance: listen, register with Consul, and on SIGTERM/SIGINT
 * deregister first, drain, close connections and exit 0 within SHUTDOWN_TIMEOUT_MS.
 */
export async function bootstrap<C extends BaseConfig>(
  options: PlatformAppOptions<C>,
): Promise<void> {
  let app: NestFastifyApplication;
  try {
    app = await createPlatformApp(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${options.name}: ${error.message}\n`);
    } else {
      createLogger(options.name, 'info').fatal({ err: error }, 'failed to start');
    }
    process.exit(1);
  }
  const config = app.get<C>(APP_CONFIG);
  const logger = loggerOf(app);
  const health = app.get(HealthRegistry);

  await app.listen({ port: config.PORT, host: config.HOST });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const admin = adminServerOf(app);
  await new Promise<void>((resolve, reject) => {
    admin.once('error', reject);
    admin.listen(adminPortOf(config), config.HOST, () => resolve());
  });
  const adminPort = (admin.address() as AddressInfo).port;

  const registration = config.CONSUL_REGISTER
    ? new ConsulRegistration(config.CONSUL_URL, {
        name: options.name,
        address: config.SERVICE_ADDRESS,
        port,
        adminPort,
        version: config.SERVICE_VERSION,
        checkInterval: config.CONSUL_CHECK_INTERVAL,
      })
    : undefined;
  if (registration) await registerUntilDone(registration, logger);
  logger.info({ port, adminPort, instance: registration?.id }, `${options.name} listening`);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown did not finish in time');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    health.markDraining();
    await registration
      ?.deregister()
      .catch((err: unknown) => logger.warn({ err }, 'deregister failed'));
    // Routers that picked this instance a moment ago may still send; keep serving meanwhile.
    await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_DELAY_MS));
    // Close the listener first so in-flight requests finish while their connections are still open.
    await app.getHttpAdapter().getInstance().close();
    await new Promise((resolve) => {
      admin.close(resolve);
      // Scrapes and probes are short; a kept-alive one must not hold the shutdown.
      admin.closeAllConnections();
    });
    await app.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}

async function registerUntilDone(registration: ConsulRegistration, logger: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await registration.register();
      return;
    } catch (err) {
      if (attempt >= 30) throw err;
      logger.warn({ err, attempt }, 'Consul registration failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
