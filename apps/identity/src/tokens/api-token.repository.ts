import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApiToken } from './api-token.entity';

export interface SealedToken {
  userId: number;
  digest: Buffer;
  ciphertext: Buffer;
}

export interface TokenOwner {
  userId: number;
  email: string;
  isActive: boolean;
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

  /** The hot path of every API request: one indexed query, no writes. */
  async findOwnerByDigest(digest: Buffer): Promise<TokenOwner | null> {
    const rows: { user_id: number; email: string; is_active: boolean }[] = await this.dataSource.query(
      `SELECT a.id AS user_id, a.email, a.is_active
         FROM api_token t JOIN account a ON a.id = t.user_id
        WHERE t.digest = $1`,
      [digest],
    );
    const row = rows[0];
    return row ? { userId: row.user_id, email: row.email, isActive: row.is_active } : null;
  }
}
