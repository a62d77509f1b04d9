import { PasswordHasher } from './password-hasher';

// The smallest cost argon2 accepts keeps the spec fast; the production cost is in config.
const cheap = { memoryKiB: 1024, timeCost: 1, parallelism: 1 };

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(cheap);

  it('makes argon2id hashes that verify only the right password', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    await expect(hasher.verify(hash, 'correct horse battery')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'correct horse battery!')).resolves.toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('treats a stored value that is not a hash as a wrong password', async () => {
    await expect(hasher.verify('not-a-hash', 'anything')).resolves.toBe(false);
  });

  it('asks for a rehash when the configured cost changed', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(hasher.needsRehash(hash)).toBe(false);
    expect(new PasswordHasher({ ...cheap, timeCost: 2 }).needsRehash(hash)).toBe(true);
  });

  it('fails the dummy check for any password', async () => {
    await expect(hasher.verifyDummy('')).resolves.toBe(false);
    await hasher.warmUp();
    await expect(hasher.verifyDummy('anything at all')).resolves.toBe(false);
  });
});
