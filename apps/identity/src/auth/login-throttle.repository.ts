import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface AttemptCount {
  /** Whether this attempt is within the limit (and may be checked against the password). */
  allowed: boolean;
  /** Seconds until the window ends. */
  retryAfter: number;
}

@Injectable()
export class LoginThrottleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Counts one attempt for `key` in a fixed window and says whether it is within `limit`. One
   * atomic upsert: parallel guesses each get their own number from Postgres (row lock on the
   * counter), so none slips past, on every replica. The stored count stops at limit + 1 ("over"),
   * so a flood cannot overflow it; a new window starts once the old one has passed.
   */
  async hit(key: string, limit: number, windowSeconds: number): Promise<AttemptCount> {
    const rows: { attempts: number; retry_after: number }[] = await this.dataSource.query(
      `INSERT INTO login_attempt AS l (key, window_start, attempts) VALUES ($1, now(), 1)
       ON CONFLICT (key) DO UPDATE SET
         attempts = CASE WHEN l.window_start <= now() - make_interval(secs => $2) THEN 1
                         ELSE LEAST(l.attempts + 1, $3 + 1) END,
         window_start = CASE WHEN l.window_start <= now() - make_interval(secs => $2) THEN now()
                             ELSE l.window_start END
       RETURNING attempts,
         -- Bounded to [1, window]: a racing transaction that started later may have opened the window.
         LEAST($2, GREATEST(1, CEIL(EXTRACT(EPOCH FROM (window_start + make_interval(secs => $2) - now())))))::int
           AS retry_after`,
      [key, windowSeconds, limit],
    );
    const row = rows[0];
    return { allowed: row.attempts <= limit, retryAfter: row.retry_after };
  }

  async reset(key: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query('DELETE FROM login_attempt WHERE key = $1', [key]);
  }

  /** Counters whose window has passed are dead weight; a sweeper removes them. */
  async deleteExpired(windowSeconds: number): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected count].
    const result: [unknown[], number] = await this.dataSource.query(
      'DELETE FROM login_attempt WHERE window_start <= now() - make_interval(secs => $1)',
      [windowSeconds],
    );
    return result[1] ?? 0;
  }
}
