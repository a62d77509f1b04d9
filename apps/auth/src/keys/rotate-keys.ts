/**
 * Rotates the file-based signing keys: a new current key, the old one kept as previous so
 * tokens it signed stay valid until they expire. Restart the auth instances afterwards (one at
 * a time); verifiers pick the new key up from the JWKS on the first token that names it.
 *
 *   npx tsx apps/auth/src/keys/rotate-keys.ts [keys dir, default .devstack/keys/auth]
 */
import { keyFilePath, readKeyFile, writeKeyFile } from './key-files';
import { rotateSigningKeys } from './signing-keys';

async function main(dir: string): Promise<void> {
  const current = await readKeyFile(dir);
  if (!current) throw new Error(`${keyFilePath(dir)} does not exist; start auth once first`);
  const rotated = await rotateSigningKeys(current);
  await writeKeyFile(dir, rotated);
  const [signing, ...previous] = rotated.keys.map((key) => key.kid);
  console.log(
    `${keyFilePath(dir)}: signing with ${signing}; also published: ${previous.join(', ')}`,
  );
}

main(process.argv[2] ?? '.devstack/keys/auth').catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
