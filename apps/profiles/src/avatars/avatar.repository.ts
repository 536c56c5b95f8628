import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Which avatar file each profile points at, and the files no profile points at (`avatar_orphan`).
 * The order of writes keeps every profile pointing at an object that exists: a new object is
 * recorded as an orphan, stored, then claimed by the profile in one transaction that orphans the
 * previous one; objects are removed only after no profile points at them.
 */
@Injectable()
export class AvatarRepository {
  constructor(private readonly dataSource: DataSource) {}

  async recordOrphan(file: string): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO avatar_orphan (file) VALUES ($1) ON CONFLICT (file) DO NOTHING',
      [file],
    );
  }

  async forgetOrphan(file: string): Promise<void> {
    await this.dataSource.query('DELETE FROM avatar_orphan WHERE file = $1', [file]);
  }

  /**
   * Points the profile at `file` (null: no avatar), creating the profile if needed, unless the
   * account was removed. Returns the file it pointed at before (now an orphan), or undefined when
   * there is no such account any more (nothing changed).
   */
  async swap(userId: number, file: string | null): Promise<{ previous: string | null } | undefined> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('profile'), $1)`, [userId]);
      const removed = await manager.query('SELECT 1 FROM profile_removal WHERE user_id = $1', [userId]);
      if (removed.length) return undefined;
      const [before] = (await manager.query('SELECT avatar_key FROM profile WHERE user_id = $1 FOR UPDATE', [
        userId,
      ])) as Array<{ avatar_key: string | null }>;
      await manager.query(
        `INSERT INTO profile AS p (user_id, avatar_key) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET avatar_key = EXCLUDED.avatar_key, updated_at = clock_timestamp()`,
        [userId, file],
      );
      if (file) await manager.query('DELETE FROM avatar_orphan WHERE file = $1', [file]);
      const previous = before?.avatar_key ?? null;
      if (previous && previous !== file) {
        await manager.query('INSERT INTO avatar_orphan (file) VALUES ($1) ON CONFLICT (file) DO NOTHING', [
          previous,
        ]);
      }
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
