import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';
import { InvalidTokenError, JwtVerifier, KeysUnavailableError } from './jwt-verifier';
import { TestTokenIssuer } from '../testing/test-token-issuer';

/** A real JWKS endpoint whose key set a test can swap, counting how often it is fetched. */
class JwksServer {
  fetches = 0;
  private server?: Server;

  constructor(public jwks: JSONWebKeySet) {}

  async start(): Promise<string> {
    this.server = createServer((_req, res) => {
      this.fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(this.jwks));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

function segments(token: string): [string, string, string] {
  return token.split('.') as [string, string, string];
}

function encodeJson(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

describe('JwtVerifier', () => {
  let issuer: TestTokenIssuer;
  let server: JwksServer;
  let verifier: JwtVerifier;

  beforeEach(async () => {
    issuer = await TestTokenIssuer.create('key-1');
    server = new JwksServer(issuer.jwks);
    const jwksUrl = await server.start();
    verifier = new JwtVerifier({
      jwksUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksCooldownMs: 0,
    });
  });

  afterEach(() => server.stop());

  const rejectsAsInvalid = (token: string) =>
    expect(verifier.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);

  it('returns the user of a valid token', async () => {
    const token = await issuer.sign('user-1', { email: 'a@example.com', roles: ['author'] });
    await expect(verifier.verify(token)).resolves.toEqual({
      id: 'user-1',
      email: 'a@example.com',
      roles: ['author'],
    });
  });

  it('fetches the key set once and then serves from its cache', async () => {
    await verifier.verify(await issuer.sign('user-1'));
    await verifier.verify(await issuer.sign('user-2'));
    expect(server.fetches).toBe(1);
  });

  it('refetches the key set when a token names an unknown kid (rotation)', async () => {
    await verifier.verify(await issuer.sign('user-1'));
    const rotated = await TestTokenIssuer.create('key-2');
    server.jwks = { keys: [...rotated.jwks.keys, ...issuer.jwks.keys] };

    await expect(verifier.verify(await rotated.sign('user-1'))).resolves.toMatchObject({
      id: 'user-1',
    });
    await expect(verifier.verify(await issuer.sign('user-1'))).resolves.toMatchObject({
      id: 'user-1',
    });
    expect(server.fetches).toBe(2);
  });

  it('rejects an expired token', async () => {
    await rejectsAsInvalid(await issuer.sign('user-1', { expiresIn: -60 }));
  });

  it('rejects a wrong issuer and a wrong audience', async () => {
    await rejectsAsInvalid(await issuer.sign('user-1', { issuer: 'someone-else' }));
    await rejectsAsInvalid(await issuer.sign('user-1', { audience: 'another-platform' }));
  });

  it('rejects a token whose payload was changed after signing', async () => {
    const [header, , signature] = segments(await issuer.sign('user-1'));
    const forged = encodeJson({
      sub: 'user-1',
      roles: ['admin'],
      iss: issuer.issuer,
      aud: issuer.audience,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 300,
    });
    await rejectsAsInvalid(`${header}.${forged}.${signature}`);
  });

  it('rejects a token signed by another key that claims a published kid', async () => {
    const impostor = await TestTokenIssuer.create('key-1');
    await rejectsAsInvalid(await impostor.sign('user-1', { roles: ['admin'] }));
  });

  it('rejects an unsigned token (alg: none)', async () => {
    const [, payload] = segments(await issuer.sign('user-1'));
    const header = encodeJson({ alg: 'none', typ: 'at+jwt', kid: 'key-1' });
    await rejectsAsInvalid(`${header}.${payload}.`);
  });

  it('rejects HS256 signed with the public key as the secret', async () => {
    const publicJwk = issuer.jwks.keys[0]!;
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const token = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1', typ: 'at+jwt' })
      .setSubject('user-1')
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    await rejectsAsInvalid(token);
  });

  it('rejects a JWT that is not an access token (typ)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    server.jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'id-key', alg: 'EdDSA' }] };
    const idToken = await new SignJWT({ roles: ['reader'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'id-key', typ: 'JWT' })
      .setSubject('user-1')
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await rejectsAsInvalid(idToken);
  });

  it('rejects roles it does not know', async () => {
    const token = await issuer.sign('user-1', { roles: ['superuser' as never] });
    await rejectsAsInvalid(token);
  });

  it('rejects garbage', async () => {
    await rejectsAsInvalid('not-a-jwt');
  });

  it('reports unreachable keys as unavailable, not as a bad token', async () => {
    const stopped = new JwksServer(issuer.jwks);
    const deadUrl = await stopped.start();
    await stopped.stop();
    const offline = new JwtVerifier({
      jwksUrl: deadUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
    });
    await expect(offline.verify(await issuer.sign('user-1'))).rejects.toBeInstanceOf(
      KeysUnavailableError,
    );
  });
});

describe('JwtVerifier verified-token cache', () => {
  let issuer: TestTokenIssuer;
  let keyLookups: number;
  const verifier = (options: { verifiedCacheSize?: number; verifiedCacheTtlMs?: number } = {}) =>
    new JwtVerifier({
      keys: (header, token) => {
        keyLookups += 1;
        return issuer.keys(header, token);
      },
      issuer: issuer.issuer,
      audience: issuer.audience,
      ...options,
    });

  beforeEach(async () => {
    issuer = await TestTokenIssuer.create();
    keyLookups = 0;
  });
  afterEach(() => jest.restoreAllMocks());

  it('checks the signature of a repeated token once', async () => {
    const cached = verifier();
    const token = await issuer.sign('user-1', { roles: ['author'] });
    const first = await cached.verify(token);
    const second = await cached.verify(token);
    expect(second).toBe(first);
    expect(keyLookups).toBe(1);
  });

  it('hands out a frozen user, so one request cannot change what the next one sees', async () => {
    const user = await verifier().verify(await issuer.sign('user-1'));
    expect(Object.isFrozen(user)).toBe(true);
    expect(() => (user.roles as string[]).push('admin')).toThrow(TypeError);
  });

  it('checks again once the cache TTL has passed', async () => {
    const cached = verifier({ verifiedCacheTtlMs: 1000 });
    const token = await issuer.sign('user-1', { expiresIn: 300 });
    await cached.verify(token);
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 1500);
    await cached.verify(token);
    expect(keyLookups).toBe(2);
  });

  it('never serves a token from the cache past its exp', async () => {
    const cached = verifier({ verifiedCacheTtlMs: 3_600_000 });
    const token = await issuer.sign('user-1', { expiresIn: 60 });
    await cached.verify(token);
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 61_000);
    await cached.verify(token);
    expect(keyLookups).toBe(2);
  });

  it('keeps at most verifiedCacheSize tokens, dropping the oldest', async () => {
    const cached = verifier({ verifiedCacheSize: 2 });
    const tokens = await Promise.all(['a', 'b', 'c'].map((id) => issuer.sign(id)));
    for (const token of tokens) await cached.verify(token);
    await cached.verify(tokens[2]!);
    expect(keyLookups).toBe(3);
    await cached.verify(tokens[0]!);
    expect(keyLookups).toBe(4);
  });

  it('does not cache failures', async () => {
    const cached = verifier();
    const expired = await issuer.sign('user-1', { expiresIn: -60 });
    await expect(cached.verify(expired)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(cached.verify(expired)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(keyLookups).toBe(2);
  });
});
