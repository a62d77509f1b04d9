import { randomBytes } from 'node:crypto';
import * as argon2 from 'argon2';

export interface HashCost {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id hashing at a configured cost. Unknown emails are checked against a dummy hash of
 * the same cost, so "no such user" takes as long as "wrong password" and reveals nothing.
 */
export class PasswordHasher {
  private readonly options: argon2.HashOptions;
  private dummyHash?: Promise<string>;

  constructor(cost: HashCost) {
    this.options = {
      type: argon2.argon2id,
      memoryCost: cost.memoryKiB,
      timeCost: cost.timeCost,
      parallelism: cost.parallelism,
    };
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  /** False for a wrong password and for a stored value that is not an argon2 hash at all. */
  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** True when the hash was made at another cost: rehash it on the next successful login. */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, this.options);
  }

  /** Spends one verification's time and always fails. */
  async verifyDummy(password: string): Promise<false> {
    await this.verify(await this.dummy(), password);
    return false;
  }

  /** Makes the dummy hash ahead of the first login, so that one is not slower either. */
  async warmUp(): Promise<void> {
    await this.dummy();
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}
