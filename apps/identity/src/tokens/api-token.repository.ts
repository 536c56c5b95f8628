import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Account } from '../accounts/account.entity';
import { ApiToken } from './api-token.entity';

export interface SealedToken {
  userId: number;
  digest: Buffer;
  ciphertext: Buffer;
}

/** Name of the unique index on the token digest (see the initial migration). */
export const API_TOKEN_DIGEST_UNIQUE = 'api_token_digest_key';

@Injectable()
export class ApiTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts the user's token or replaces the old one in a single statement: there is never a
   * moment with two valid tokens, and the old digest stops matching as soon as this commits.
   */
  async upsert(manager: EntityManager, token: SealedToken): Promise<void> {
    await manager.query(
      `INSERT INTO api_token (user_id, digest, ciphertext, created_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (user_id) DO UPDATE
         SET digest = EXCLUDED.digest, ciphertext = EXCLUDED.ciphertext, created_at = EXCLUDED.created_at`,
      [token.userId, token.digest, token.ciphertext],
    );
  }

  async findByUserId(userId: number): Promise<ApiToken | null> {
    return this.dataSource.manager.findOneBy(ApiToken, { userId });
  }

  /** The hot path of every API request: one indexed query (the token's owner), no writes. */
  async findOwnerByDigest(digest: Buffer): Promise<Account | null> {
    return this.dataSource
      .getRepository(Account)
      .createQueryBuilder('a')
      .innerJoin(ApiToken, 't', 't.user_id = a.id')
      .where('t.digest = :digest', { digest })
      .getOne();
  }
}
