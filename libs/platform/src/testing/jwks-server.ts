import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestTokenIssuer } from './test-token-issuer';

/**
 * The auth service as an app under test sees it: a real JWKS endpoint over HTTP with the
 * public key of a throwaway issuer, so tokens are verified exactly as in production.
 */
export class JwksServer {
  private constructor(
    readonly issuer: TestTokenIssuer,
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<JwksServer> {
    const issuer = await TestTokenIssuer.create();
    const server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(issuer.jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new JwksServer(issuer, server, `http://127.0.0.1:${port}/jwks.json`);
  }

  /** The env an app needs to trust this issuer. */
  get env(): { JWKS_URL: string; JWT_ISSUER: string; JWT_AUDIENCE: string } {
    return {
      JWKS_URL: this.url,
      JWT_ISSUER: this.issuer.issuer,
      JWT_AUDIENCE: this.issuer.audience,
    };
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
