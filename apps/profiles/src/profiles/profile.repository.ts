import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, QueryRunner, Repository } from 'typeorm';
import { recordAudit } from '@app/database';
import { ProfileAudit } from '../audit/profile-audit';
import { recordProfilesChanged } from '../read-model/profile.projection';
import { ProfileEntity } from './profile.entity';

/** A validated partial update; absent fields stay as they are. */
export interface ProfileChanges {
  firstName?: string;
  lastName?: string;
  phone?: string;
  allowNewsletters?: boolean | null;
  customHotkeys?: Record<string, unknown>;
}

interface ProfileRow {
  user_id: number;
  first_name: string;
  last_name: string;
  phone: string;
  allow_newsletters: boolean | null;
  custom_hotkeys: Record<string, unknown>;
  avatar_key: string | null;
  last_activity: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Column and cast of each updatable field; the only identifiers that reach dynamic SQL. */
const COLUMNS: Record<keyof ProfileChanges, { column: string; cast: string }> = {
  firstName: { column: 'first_name', cast: 'varchar' },
  lastName: { column: 'last_name', cast: 'varchar' },
  phone: { column: 'phone', cast: 'varchar' },
  allowNewsletters: { column: 'allow_newsletters', cast: 'boolean' },
  customHotkeys: { column: 'custom_hotkeys', cast: 'jsonb' },
};

/**
 * "Not removed at or after this time": events are consumed by separate durable consumers, so a
 * stale "registered" or "logged in" may arrive after "deleted" and must not bring the profile back.
 */
const NOT_REMOVED_SINCE = (userParam: string, timeParam: string) =>
  `NOT EXISTS (SELECT 1 FROM profile_removal r WHERE r.user_id = ${userParam} AND r.removed_at >= ${timeParam})`;

@Injectable()
export class ProfileRepository {
  constructor(
    @InjectRepository(ProfileEntity) private readonly profiles: Repository<ProfileEntity>,
    private readonly dataSource: DataSource,
  ) {}

  async findById(userId: number): Promise<ProfileEntity | null> {
    return this.profiles.findOneBy({ userId });
  }

  async findByIds(userIds: number[]): Promise<ProfileEntity[]> {
    if (userIds.length === 0) return [];
    return this.profiles.find({ where: { userId: In(userIds) }, order: { userId: 'ASC' } });
  }

  /**
   * Creates the profile if absent; concurrent calls all get the one row. A row that only exists
   * because a login was stamped before the registration arrived (never edited, no newsletter
   * choice yet) takes the registration's newsletter choice. Returns null when the account was
   * removed at or after `asOf` (a stale event).
   */
  async ensure(userId: number, allowNewsletters: boolean | null, asOf?: Date): Promise<ProfileEntity | null> {
    return this.inUserTransaction(userId, async (runner) => {
      const inserted = await this.rows(
        runner,
        `INSERT INTO profile AS p (user_id, allow_newsletters)
         SELECT $1::integer, $2::boolean
         WHERE ${NOT_REMOVED_SINCE('$1::integer', 'COALESCE($3::timestamptz, now())')}
         ON CONFLICT (user_id) DO UPDATE SET allow_newsletters = EXCLUDED.allow_newsletters
           WHERE p.allow_newsletters IS NULL AND EXCLUDED.allow_newsletters IS NOT NULL
             AND p.updated_at = p.created_at
         RETURNING *`,
        [userId, allowNewsletters, asOf ?? null],
      );
      if (inserted[0]) {
        await recordProfilesChanged(runner.manager, [userId]);
        return toEntity(inserted[0]);
      }
      const existing = await this.rows(runner, 'SELECT * FROM profile WHERE user_id = $1', [userId]);
      return existing[0] ? toEntity(existing[0]) : null;
    });
  }

  /**
   * One statement: updates the given fields, or creates the profile with them when it does not
   * exist yet, so an update is never lost to a registration that has not been processed.
   */
  async upsert(userId: number, changes: ProfileChanges, audit?: ProfileAudit): Promise<ProfileEntity> {
    const columns = ['user_id'];
    const values = ['$1::integer'];
    const params: unknown[] = [userId];
    const assignments: string[] = [];
    for (const field of Object.keys(COLUMNS) as (keyof ProfileChanges)[]) {
      const value = changes[field];
      if (value === undefined) continue;
      const { column, cast } = COLUMNS[field];
      params.push(cast === 'jsonb' ? JSON.stringify(value) : value);
      columns.push(column);
      values.push(`$${params.length}::${cast}`);
      assignments.push(`${column} = EXCLUDED.${column}`);
    }
    const edited = assignments.length > 0;
    if (edited) {
      // clock_timestamp(), not now(): a row created here must differ from created_at (= now()),
      // which is how ensure() tells an edited profile from an untouched one.
      columns.push('updated_at');
      values.push('clock_timestamp()');
      assignments.push('updated_at = EXCLUDED.updated_at');
    } else {
      // An empty update only makes sure the row exists; it is not an edit.
      assignments.push('updated_at = p.updated_at');
    }
    return this.inTransaction(async (runner) => {
      const [row] = await this.rows(
        runner,
        `INSERT INTO profile AS p (${columns.join(', ')}) VALUES (${values.join(', ')})
         ON CONFLICT (user_id) DO UPDATE SET ${assignments.join(', ')}
         RETURNING *`,
        params,
      );
      await recordProfilesChanged(runner.manager, [userId]);
      if (audit && edited) await recordAudit(runner.manager, audit);
      return toEntity(row);
    });
  }

  /**
   * Moves last activity forward to `at`, never back (redelivered or out-of-order logins change
   * nothing). Creates the profile if the registration has not been processed yet. Returns false
   * when the account was removed at or after `at`.
   */
  async recordActivity(userId: number, at: Date): Promise<boolean> {
    return this.inUserTransaction(userId, async (runner) => {
      const changed = await this.rows(
        runner,
        `INSERT INTO profile AS p (user_id, last_activity)
         SELECT $1::integer, $2::timestamptz
         WHERE ${NOT_REMOVED_SINCE('$1::integer', '$2::timestamptz')}
         ON CONFLICT (user_id) DO UPDATE SET last_activity = GREATEST(p.last_activity, EXCLUDED.last_activity)
           WHERE p.last_activity IS NULL OR p.last_activity < EXCLUDED.last_activity
         RETURNING *`,
        [userId, at],
      );
      if (changed.length) await recordProfilesChanged(runner.manager, [userId]);
      const found = await this.rows(runner, 'SELECT * FROM profile WHERE user_id = $1', [userId]);
      return found.length > 0;
    });
  }

  /**
   * Coalesced activity from the gateway: one statement for many users, moving each forward only.
   * Profiles that do not exist (yet) are left alone: registration creates them. The users whose
   * activity moved are recorded for the read model, in one insert.
   */
  async recordActivities(entries: Array<{ userId: number; at: Date }>): Promise<number> {
    if (entries.length === 0) return 0;
    return this.inTransaction(async (runner) => {
      const result = (await runner.query(
        `UPDATE profile AS p SET last_activity = v.at
         FROM (SELECT DISTINCT ON (user_id) user_id, at
               FROM unnest($1::integer[], $2::timestamptz[]) AS e(user_id, at)
               ORDER BY user_id, at DESC) AS v
         WHERE p.user_id = v.user_id AND (p.last_activity IS NULL OR p.last_activity < v.at)
         RETURNING p.user_id`,
        [entries.map((e) => e.userId), entries.map((e) => e.at.toISOString())],
        true,
      )) as { records: Array<{ user_id: number }> };
      await recordProfilesChanged(
        runner.manager,
        result.records.map((row) => row.user_id),
      );
      return result.records.length;
    });
  }

  /**
   * Deletes the profile (its avatar file becomes an orphan) and remembers when, so stale events
   * cannot re-create it. Idempotent.
   */
  async remove(userId: number, removedAt?: Date): Promise<void> {
    await this.inUserTransaction(userId, async (runner) => {
      // The avatar object outlives the profile only as an orphan, which the sweeper removes.
      await runner.query(
        `INSERT INTO avatar_orphan (file)
         SELECT avatar_key FROM profile WHERE user_id = $1 AND avatar_key IS NOT NULL
         ON CONFLICT (file) DO NOTHING`,
        [userId],
      );
      await runner.query('DELETE FROM profile WHERE user_id = $1', [userId]);
      // Recorded even when there was no profile: the key is deleted, which changes nothing then.
      await recordProfilesChanged(runner.manager, [userId]);
      await runner.query(
        `INSERT INTO profile_removal (user_id, removed_at) VALUES ($1, COALESCE($2::timestamptz, now()))
         ON CONFLICT (user_id) DO UPDATE SET removed_at = GREATEST(profile_removal.removed_at, EXCLUDED.removed_at)`,
        [userId, removedAt ?? null],
      );
    });
  }

  /**
   * Serialises ensure, activity, avatar changes and removal of one user: without it, a removal and
   * a stale registration running side by side could each miss the other's uncommitted row.
   */
  async inUserTransaction<T>(userId: number, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    return this.inTransaction(async (runner) => {
      await runner.query(`SELECT pg_advisory_xact_lock(hashtext('profile'), $1)`, [userId]);
      return work(runner);
    });
  }

  /** `work` in one transaction on its own connection (`runner.manager` writes in it, e.g. the outbox). */
  private async inTransaction<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const result = await work(runner);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      // A failed rollback (connection gone) must not hide the error that caused it.
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async rows(runner: QueryRunner, sql: string, params: unknown[]): Promise<ProfileRow[]> {
    const result = await runner.query(sql, params, true);
    return result.records as ProfileRow[];
  }
}

function toEntity(row: ProfileRow): ProfileEntity {
  return Object.assign(new ProfileEntity(), {
    userId: row.user_id,
    firstName: row.first_name,
    lastName: row.last_name,
    phone: row.phone,
    allowNewsletters: row.allow_newsletters,
    customHotkeys: row.custom_hotkeys,
    avatarKey: row.avatar_key,
    lastActivity: row.last_activity,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
