import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@lib/platform';
import type { JSONWebKeySet } from 'jose';
import { KeyStore } from './key-store';

@ApiTags('auth')
@Controller('api/auth/.well-known')
export class KeysController {
  constructor(private readonly keys: KeyStore) {}

  /** Verifiers cache this; five minutes bounds how long a newly rotated key stays unknown. */
  @Public()
  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOkResponse({ description: 'The public keys that verify access tokens (RFC 7517).' })
  jwks(): JSONWebKeySet {
    return this.keys.jwks;
  }
}
