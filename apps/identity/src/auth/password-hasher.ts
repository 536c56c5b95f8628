import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';
import { PasswordQueueStats, PasswordWorkQueue } from './password-work-queue';

/**
 * bcrypt through the `bcrypt` package's async API, which runs on libuv's thread pool, off the
 * event loop.
 *
 * bcrypt reads at most 72 bytes of its input and silently ignores the rest, so two 100-character
 * passwords sharing their first 72 bytes would be the same password (and a 128-character policy
 * would be a lie for multi-byte text). The password is therefore first reduced to
 * base64(SHA-256(password)): 44 ASCII bytes, no NUL, every input byte counts. SHA-256 adds no
 * weakness here: the work factor is still bcrypt's, and the digest is never stored on its own.
 *
 * Every hash and comparison goes through one bounded queue (see PasswordWorkQueue).
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private readonly cost: number;
  private readonly queue: PasswordWorkQueue;
  private dummyHash?: Promise<string>;

  constructor(
    @Inject(IDENTITY_CONFIG)
    config: Pick<IdentityConfig, 'BCRYPT_COST'> &
      Partial<Pick<IdentityConfig, 'PASSWORD_CONCURRENCY' | 'PASSWORD_QUEUE_MAX_WAIT_MS'>>,
  ) {
    this.cost = config.BCRYPT_COST;
    this.queue = new PasswordWorkQueue(
      config.PASSWORD_CONCURRENCY ?? 1,
      config.PASSWORD_QUEUE_MAX_WAIT_MS ?? 30_000,
    );
  }

  /**
   * Made at start-up so the first unknown-user login is not slower than the rest; its duration
   * seeds the queue's estimate of one hash.
   */
  async onModuleInit(): Promise<void> {
    const started = Date.now();
    await this.dummy();
    this.queue.calibrate(Date.now() - started);
  }

  queueStats(): PasswordQueueStats {
    return this.queue.stats();
  }

  static prehash(password: string): string {
    return createHash('sha256').update(password, 'utf8').digest('base64');
  }

  async hash(password: string): Promise<string> {
    return this.queue.run(() => bcrypt.hash(PasswordHasher.prehash(password), this.cost));
  }

  /**
   * Compares in constant work: with no stored hash (unknown user, or an account without a
   * password) it compares against a dummy hash of the same cost, so the reply takes as long as a
   * wrong password and does not tell which accounts exist.
   */
  async verify(password: string, storedHash: string | null): Promise<boolean> {
    const prehashed = PasswordHasher.prehash(password);
    if (storedHash === null) {
      const dummy = await this.dummy();
      await this.queue.run(() => bcrypt.compare(prehashed, dummy));
      return false;
    }
    return this.queue.run(() => bcrypt.compare(prehashed, storedHash));
  }

  /** A hash made at another cost than the configured one (raised or lowered since). */
  needsRehash(storedHash: string): boolean {
    try {
      return bcrypt.getRounds(storedHash) !== this.cost;
    } catch {
      return false;
    }
  }

  /** At the configured cost, so an unknown email costs exactly what a wrong password does. */
  private dummy(): Promise<string> {
    this.dummyHash ??= bcrypt.hash(randomBytes(32).toString('base64'), this.cost);
    return this.dummyHash;
  }
}
