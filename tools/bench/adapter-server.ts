// One trivial Nest app on the adapter named in argv, for http-adapter-bench.ts to load.
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

@Controller('ping')
class PingController {
  @Get()
  ping(): { ok: true; service: string } {
    return { ok: true, service: 'bench' };
  }
}

@Module({ controllers: [PingController] })
class BenchModule {}

async function main(): Promise<void> {
  const adapter = process.argv[2] === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = await NestFactory.create(BenchModule, adapter, { logger: false });
  await app.listen(Number(process.argv[3]), '127.0.0.1');
  process.send?.('listening');
}

void main();
