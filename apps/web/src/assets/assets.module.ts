import { Inject, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG } from '@lib/platform';
import type { AppConfig } from '../config';
import { AssetCatalogue } from './asset-catalogue';
import { SECURITY_HEADERS } from './security-headers';

/**
 * Serves the single-page app on every GET/HEAD path that no controller takes. Mounted on the
 * Fastify instance beside Nest's routes (`/*` loses to every named route: /health, /metrics,
 * /session), so a page costs no guard, pipe or interceptor.
 */
@Injectable()
export class AssetsService implements OnModuleInit {
  private readonly logger = new Logger(AssetsService.name);

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const catalogue = AssetCatalogue.fromDirectory(this.config.WEB_ASSETS_DIR);
    this.logger.log({ msg: 'assets loaded', files: catalogue.size });
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.route({
      method: ['GET', 'HEAD'],
      url: '/*',
      exposeHeadRoute: false,
      handler: (request, reply) => serve(catalogue, request, reply),
    });
  }
}

function serve(catalogue: AssetCatalogue, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?', 1)[0];
  const ifNoneMatch = request.headers['if-none-match'];
  const answer = catalogue.answer(path, typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined);
  void reply.headers(SECURITY_HEADERS);
  if (answer.kind === 'not-found') {
    void reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    return;
  }
  const { asset } = answer;
  void reply.headers({ etag: asset.etag, 'cache-control': asset.cacheControl });
  if (answer.kind === 'not-modified') {
    void reply.code(304).send();
    return;
  }
  void reply.type(asset.contentType).send(request.method === 'HEAD' ? undefined : asset.body);
}

@Module({ providers: [AssetsService] })
export class AssetsModule {}
