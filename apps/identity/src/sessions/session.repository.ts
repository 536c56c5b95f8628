import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Account } from '../accounts/account.entity';
import { WebSession } from './web-session.entity';

@Injectable()
export class SessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, session: WebSession): Promise<void> {
    await manager.insert(WebSession, session);
  }

  /** One query, no writes: an unexpired session of an active account. */
  async findActiveOwner(digest: Buffer): Promise<Account | null> {
    return this.dataSource
      .getRepository(Account)
      .createQueryBuilder('a')
      .innerJoin(WebSession, 's', 's.user_id = a.id')
      .where('s.digest = :digest AND s.expires_at > now() AND a.is_active', { digest })
      .getOne();
  }

  /** Returns the owner's id when a session was deleted, null when there was none. */
  async delete(manager: EntityManager, digest: Buffer): Promise<number | null> {
    // TypeORM answers a DELETE with [rows, affected count].
    const [rows]: [{ user_id: number }[], number] = await manager.query(
      'DELETE FROM web_session WHERE digest = $1 RETURNING user_id',
      [digest],
    );
    return rows[0]?.user_id ?? null;
  }

  /** Ends every session of a user (password change, deactivation); returns how many there were. */
  async deleteAllOf(manager: EntityManager, userId: number): Promise<number> {
    const result = await manager.delete(WebSession, { userId });
    return result.affected ?? 0;
  }

  /** Deletes the expired sessions; returns the owners of those deleted (each once). */
  async deleteExpired(manager: EntityManager): Promise<number[]> {
    const [rows]: [{ user_id: number }[], number] = await manager.query(
      'DELETE FROM web_session WHERE expires_at <= now() RETURNING user_id',
    );
    return [...new Set(rows.map((row) => row.user_id))];
  }
}
