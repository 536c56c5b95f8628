import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { recordAudit } from '@app/database';
import { ProfileAudit } from '../audit/profile-audit';
import { recordProfilesChanged } from '../read-model/profile.projection';
import { ProfileRepository } from '../profiles/profile.repository';

/**
 * Which avatar file each profile points at, and the files no profile points at (`avatar_orphan`).
 * The order of writes keeps every profile pointing at an object that exists: a new object is
 * recorded as an orphan, stored, then claimed by the profile in one transaction that orphans the
 * previous one; objects are removed only after no profile points at them.
 */
/** Anything that runs SQL: the data source, or a transaction's query runner. */
interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

const recordOrphanIn = (db: Queryable, file: string) =>
  db.query('INSERT INTO avatar_orphan (file) VALUES ($1) ON CONFLICT (file) DO NOTHING', [file]);

@Injectable()
export class AvatarRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly profiles: ProfileRepository,
  ) {}

  async recordOrphan(file: string): Promise<void> {
    await recordOrphanIn(this.dataSource, file);
  }

  async forgetOrphan(file: string): Promise<void> {
    await this.dataSource.query('DELETE FROM avatar_orphan WHERE file = $1', [file]);
  }

  /**
   * Points the profile at `file` (null: no avatar), creating the profile if needed, unless the
   * account was removed. Returns the file it pointed at before (now an orphan), or undefined when
   * there is no such account any more (nothing changed).
   */
  async swap(
    userId: number,
    file: string | null,
    audit?: ProfileAudit,
  ): Promise<{ previous: string | null } | undefined> {
    return this.profiles.inUserTransaction(userId, async (runner) => {
      const removed = (await runner.query('SELECT 1 FROM profile_removal WHERE user_id = $1', [
        userId,
      ])) as unknown[];
      if (removed.length) return undefined;
      const [before] = (await runner.query('SELECT avatar_key FROM profile WHERE user_id = $1 FOR UPDATE', [
        userId,
      ])) as Array<{ avatar_key: string | null }>;
      await runner.query(
        `INSERT INTO profile AS p (user_id, avatar_key) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET avatar_key = EXCLUDED.avatar_key, updated_at = clock_timestamp()`,
        [userId, file],
      );
      if (file) await runner.query('DELETE FROM avatar_orphan WHERE file = $1', [file]);
      await recordProfilesChanged(runner.manager, [userId]);
      if (audit) await recordAudit(runner.manager, audit);
      const previous = before?.avatar_key ?? null;
      if (previous && previous !== file) await recordOrphanIn(runner, previous);
      return { previous: previous === file ? null : previous };
    });
  }

  /** Whether a profile points at `file`. */
  async isInUse(file: string): Promise<boolean> {
    const rows = await this.dataSource.query('SELECT 1 FROM profile WHERE avatar_key = $1', [file]);
    return rows.length > 0;
  }

  /** Orphans older than `graceSeconds` that no profile points at, oldest first. */
  async staleOrphans(graceSeconds: number, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT o.file FROM avatar_orphan o
       WHERE o.since < now() - make_interval(secs => $1)
         AND NOT EXISTS (SELECT 1 FROM profile p WHERE p.avatar_key = o.file)
       ORDER BY o.since LIMIT $2`,
      [graceSeconds, limit],
    )) as Array<{ file: string }>;
    return rows.map((row) => row.file);
  }
}
