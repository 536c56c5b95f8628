import { createHash } from 'node:crypto';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { KvValueOf, MAX_REPLICATED_SESSIONS, MIN_REPLICATED_TOKEN_LENGTH, ReadModels } from '@app/contracts';
import { OutboxRelay, Projection, recordReadModelChange } from '@app/database';
import { Account } from '../accounts/account.entity';
import { toAccountDto } from '../accounts/account.mapper';
import { WebSession } from '../sessions/web-session.entity';
import { ApiToken } from '../tokens/api-token.entity';
import { TokenCipher } from '../tokens/token-cipher';

type AuthUser = KvValueOf<typeof ReadModels.authUsers>;

/** Records, in the caller's transaction, that what authenticates these users changed. */
export const recordAuthChange = (manager: EntityManager, ...userIds: number[]): Promise<void> =>
  recordReadModelChange(manager, ReadModels.authUsers, userIds);

const sha256Hex = (value: string | Buffer): string => createHash('sha256').update(value).digest('hex');

/**
 * The `auth-users` read model: per user, the account, the SHA-256 of the API token and the
 * digests of the live web sessions, so the gateway authenticates without asking identity. Every
 * use-case that changes one of these records the user in the outbox in its own transaction
 * (`recordAuthChange`); the relay computes the value here when it publishes. Registered with the
 * relay when the module starts, so no kick (the bootstrap account's, during start-up) precedes it.
 */
@Injectable()
export class AuthUserProjection implements Projection<typeof ReadModels.authUsers>, OnModuleInit {
  readonly contract = ReadModels.authUsers;
  private readonly logger = new Logger('AuthUserProjection');

  constructor(
    private readonly relay: OutboxRelay,
    private readonly cipher: TokenCipher,
  ) {}

  onModuleInit(): void {
    this.relay.project(this);
  }

  async valueOf(manager: EntityManager, key: string): Promise<AuthUser | null> {
    const id = Number(key);
    if (!Number.isSafeInteger(id) || id <= 0) return null;
    const account = await manager.findOneBy(Account, { id });
    // Inactive accounts stay, with isActive false: that is how a deactivation reaches the gateway.
    if (!account) return null;
    const token = await manager.findOneBy(ApiToken, { userId: id });
    // Live by the database's clock, the one that set the expiry.
    const sessions = await manager
      .getRepository(WebSession)
      .createQueryBuilder('s')
      .select(['s.digest', 's.expiresAt'])
      .where('s.user_id = :id AND s.expires_at > now()', { id })
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.digest', 'ASC')
      .take(MAX_REPLICATED_SESSIONS)
      .getMany();
    return {
      account: toAccountDto(account),
      tokenDigest: token ? this.tokenDigest(token) : null,
      // The stored digest already is SHA-256 of the cookie value (session-key.ts).
      sessions: sessions.map((s) => ({
        digest: s.digest.toString('hex'),
        expiresAt: s.expiresAt.toISOString(),
      })),
    };
  }

  async allKeys(manager: EntityManager): Promise<string[]> {
    const rows = await manager.find(Account, { select: { id: true }, order: { id: 'ASC' } });
    return rows.map((row) => String(row.id));
  }

  /**
   * SHA-256 of the plaintext, or null: for a short token the operator chose (identity checks those
   * itself, with its keyed digest), and for a ciphertext that no longer decrypts (SECRET_KEY
   * changed): that token then fails closed at the gateway instead of stopping the relay.
   */
  private tokenDigest(token: ApiToken): string | null {
    let plaintext: string;
    try {
      plaintext = this.cipher.decrypt(token.ciphertext, token.userId);
    } catch (error) {
      this.logger.warn(
        { userId: token.userId },
        `API token cannot be decrypted (${String(error)}): not replicated`,
      );
      return null;
    }
    return plaintext.length < MIN_REPLICATED_TOKEN_LENGTH ? null : sha256Hex(plaintext);
  }
}
