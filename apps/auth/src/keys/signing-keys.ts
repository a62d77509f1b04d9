import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import { z } from 'zod';

export const SIGNING_ALGORITHM = 'EdDSA';

/** An Ed25519 private key as a JWK, named by its `kid`. */
const privateJwkSchema = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(1),
  d: z.string().min(1),
  kid: z.string().min(1),
  alg: z.literal(SIGNING_ALGORITHM).optional(),
  use: z.literal('sig').optional(),
});

/** The signing keys, current first; the others are still published so their tokens verify. */
export const signingKeySetSchema = z.object({
  keys: z.array(privateJwkSchema).min(1),
});

export type PrivateSigningJwk = z.infer<typeof privateJwkSchema>;
export type SigningKeySet = z.infer<typeof signingKeySetSchema>;

/** How many keys a rotation keeps: the new current one and the one before it. */
export const KEYS_KEPT_ON_ROTATION = 2;

export function parseSigningKeySet(json: string, origin: string): SigningKeySet {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error(`${origin} is not valid JSON`);
  }
  const result = signingKeySetSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(
      `${origin} must be {"keys":[Ed25519 private JWK with kid, …]}: ${result.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')}`,
    );
  }
  const kids = result.data.keys.map((key) => key.kid);
  if (new Set(kids).size !== kids.length) throw new Error(`${origin} has duplicate kids`);
  return result.data;
}

/** A fresh Ed25519 key; its kid is its RFC 7638 thumbprint, so it is unique and stable. */
export async function generateSigningKey(): Promise<PrivateSigningJwk> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return privateJwkSchema.parse({ ...jwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' });
}

/** The set after a rotation: a new current key, the old current kept as previous. */
export async function rotateSigningKeys(set: SigningKeySet): Promise<SigningKeySet> {
  return { keys: [await generateSigningKey(), ...set.keys].slice(0, KEYS_KEPT_ON_ROTATION) };
}

/** What the JWKS endpoint serves: the public halves only. */
export function publicJwks(set: SigningKeySet): JSONWebKeySet {
  return {
    keys: set.keys.map(({ kty, crv, x, kid }): JWK => ({
      kty,
      crv,
      x,
      kid,
      alg: SIGNING_ALGORITHM,
      use: 'sig',
    })),
  };
}
