import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSigningKey, parseSigningKeySet, type SigningKeySet } from './signing-keys';

export const KEY_FILE_NAME = 'signing-keys.json';

export function keyFilePath(dir: string): string {
  return join(dir, KEY_FILE_NAME);
}

export async function readKeyFile(dir: string): Promise<SigningKeySet | undefined> {
  const path = keyFilePath(dir);
  try {
    return parseSigningKeySet(await readFile(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Creates the key file with one new key unless it exists. The exclusive create makes two
 * instances starting together agree on one key instead of each writing its own.
 */
export async function createKeyFile(dir: string): Promise<SigningKeySet> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const set: SigningKeySet = { keys: [await generateSigningKey()] };
  try {
    await writeFile(keyFilePath(dir), JSON.stringify(set, null, 2), { flag: 'wx', mode: 0o600 });
    return set;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const existing = await readKeyFile(dir);
    if (!existing) throw error;
    return existing;
  }
}

/** Replaces the key file atomically, so a starting instance never reads half a file. */
export async function writeKeyFile(dir: string, set: SigningKeySet): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = `${keyFilePath(dir)}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(set, null, 2), { mode: 0o600 });
  await rename(temporary, keyFilePath(dir));
}
