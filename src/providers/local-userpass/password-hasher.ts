import { argon2id, hash, needsRehash, verify } from 'argon2';
import { randomSecret } from '../../tokens/secrets.js';

export interface HashingParameters {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id through the `argon2` package, whose work runs on libuv's thread pool,
 * off the event loop.
 */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(private readonly params: HashingParameters) {}

  hash(password: string): Promise<string> {
    return hash(password, { type: argon2id, ...this.params });
  }

  /**
   * Checks a password against a stored hash. Without one (no such account) it checks
   * against a hash of a random password made with the same parameters, so an unknown
   * email costs the same time as a wrong password, and fails.
   */
  async verify(stored: string | undefined, password: string): Promise<boolean> {
    if (stored === undefined) {
      await verify(await this.dummyHash(), password);
      return false;
    }
    return verify(stored, password);
  }

  /** True when a stored hash was made with other parameters than the current ones. */
  outdated(stored: string): boolean {
    return needsRehash(stored, this.params);
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= this.hash(randomSecret()).catch((err: unknown) => {
      this.dummy = undefined; // retried by the next unknown login
      throw err;
    });
    return this.dummy;
  }
}
