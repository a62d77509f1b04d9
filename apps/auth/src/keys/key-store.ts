import {
  createLocalJWKSet,
  importJWK,
  type CryptoKey,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import type { AppConfig } from '../config';
import { createKeyFile, keyFilePath, readKeyFile } from './key-files';
import {
  parseSigningKeySet,
  publicJwks,
  SIGNING_ALGORITHM,
  type SigningKeySet,
} from './signing-keys';

/** The service's signing keys in memory: the current one signs, all of them verify. */
export class KeyStore {
  readonly jwks: JSONWebKeySet;
  readonly verificationKeys: JWTVerifyGetKey;

  private constructor(
    readonly currentKid: string,
    readonly signingKey: CryptoKey,
    set: SigningKeySet,
  ) {
    this.jwks = publicJwks(set);
    this.verificationKeys = createLocalJWKSet(this.jwks);
  }

  static async fromKeySet(set: SigningKeySet): Promise<KeyStore> {
    const [current] = set.keys;
    if (!current) throw new Error('A signing key set needs at least one key');
    const signingKey = await importJWK(current, SIGNING_ALGORITHM);
    return new KeyStore(current.kid, signingKey as CryptoKey, set);
  }

  /**
   * From AUTH_SIGNING_KEYS, else from the key file; in development, a key file is created on
   * first start. Production without keys fails here rather than minting throwaway ones.
   */
  static async load(config: AppConfig): Promise<KeyStore> {
    if (config.AUTH_SIGNING_KEYS) {
      return KeyStore.fromKeySet(parseSigningKeySet(config.AUTH_SIGNING_KEYS, 'AUTH_SIGNING_KEYS'));
    }
    const fromFile = await readKeyFile(config.AUTH_KEYS_DIR);
    if (fromFile) return KeyStore.fromKeySet(fromFile);
    const mayGenerate = config.AUTH_GENERATE_KEYS ?? config.NODE_ENV !== 'production';
    if (!mayGenerate) {
      throw new Error(
        `No signing keys: set AUTH_SIGNING_KEYS or provide ${keyFilePath(config.AUTH_KEYS_DIR)}`,
      );
    }
    return KeyStore.fromKeySet(await createKeyFile(config.AUTH_KEYS_DIR));
  }
}
