import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtVerifier } from '@lib/platform';
import { AccessTokenIssuer } from '../sessions/access-token.issuer';
import type { AppConfig } from '../config';
import { KEY_FILE_NAME, readKeyFile, writeKeyFile } from './key-files';
import { KeyStore } from './key-store';
import { generateSigningKey, rotateSigningKeys } from './signing-keys';

describe('KeyStore', () => {
  let dir: string;
  const config = (overrides: Partial<AppConfig> = {}) =>
    ({
      NODE_ENV: 'development',
      AUTH_KEYS_DIR: dir,
      JWT_ISSUER: 'auth',
      JWT_AUDIENCE: 'platform',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      ...overrides,
    }) as AppConfig;

  const issueAndVerify = async (signer: KeyStore, verifierKeys: KeyStore) => {
    const token = await new AccessTokenIssuer(signer, config()).issue({
      id: 'user-1',
      email: 'a@example.com',
      roles: ['reader'],
    });
    return new JwtVerifier({
      keys: verifierKeys.verificationKeys,
      issuer: 'auth',
      audience: 'platform',
    }).verify(token);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auth-keys-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates a private key file on first start in development and reuses it after', async () => {
    const first = await KeyStore.load(config());
    const file = join(dir, KEY_FILE_NAME);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await KeyStore.load(config());
    expect(second.currentKid).toBe(first.currentKid);
  });

  it('agrees on one key when several instances start at once', async () => {
    const stores = await Promise.all([1, 2, 3, 4].map(() => KeyStore.load(config())));
    expect(new Set(stores.map((store) => store.currentKid)).size).toBe(1);
    expect((await readKeyFile(dir))!.keys).toHaveLength(1);
  });

  it('refuses to invent keys in production', async () => {
    await expect(KeyStore.load(config({ NODE_ENV: 'production' }))).rejects.toThrow(
      /No signing keys/,
    );
  });

  it('prefers AUTH_SIGNING_KEYS and names a malformed value', async () => {
    const key = await generateSigningKey();
    const store = await KeyStore.load(
      config({ AUTH_SIGNING_KEYS: JSON.stringify({ keys: [key] }) }),
    );
    expect(store.currentKid).toBe(key.kid);
    await expect(
      KeyStore.load(config({ AUTH_SIGNING_KEYS: '{"keys":[{"kty":"RSA"}]}' })),
    ).rejects.toThrow(/AUTH_SIGNING_KEYS must be/);
  });

  it('publishes only public halves', async () => {
    const store = await KeyStore.load(config());
    expect(store.jwks.keys[0]).not.toHaveProperty('d');
    expect(await readFile(join(dir, KEY_FILE_NAME), 'utf8')).toContain('"d"');
  });

  it('after a rotation, signs with the new key and still verifies tokens of the old one', async () => {
    const before = await KeyStore.load(config());
    await writeKeyFile(dir, await rotateSigningKeys((await readKeyFile(dir))!));
    const after = await KeyStore.load(config());

    expect(after.currentKid).not.toBe(before.currentKid);
    expect(after.jwks.keys.map((key) => key.kid)).toEqual([after.currentKid, before.currentKid]);
    await expect(issueAndVerify(before, after)).resolves.toMatchObject({ id: 'user-1' });
    await expect(issueAndVerify(after, after)).resolves.toMatchObject({ id: 'user-1' });
  });

  it('keeps two keys: a second rotation drops the oldest', async () => {
    const original = await KeyStore.load(config());
    await writeKeyFile(dir, await rotateSigningKeys((await readKeyFile(dir))!));
    await writeKeyFile(dir, await rotateSigningKeys((await readKeyFile(dir))!));
    const latest = await KeyStore.load(config());
    expect(latest.jwks.keys).toHaveLength(2);
    expect(latest.jwks.keys.map((key) => key.kid)).not.toContain(original.currentKid);
    await expect(issueAndVerify(original, latest)).rejects.toThrow('Invalid or expired');
  });
});
