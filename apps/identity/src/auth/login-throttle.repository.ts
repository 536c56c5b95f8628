import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** How a counter blocks once it reaches its limit. */
export type ThrottleRule =
  /** Until the window ends (a client address: its own failures across every account). */
  | { kind: 'window'; limit: number; windowSeconds: number }
  /**
   * For d, 2d, 4d … seconds (d = `firstDelaySeconds`, at most `maxDelaySeconds`) after each further failure: an account from
   * one client. Growing delays slow guessing to nothing without locking the owner out for long,
   * and the counter is forgotten after `windowSeconds` of quiet once the delay has passed.
   */
  | {
      kind: 'delay';
      limit: number;
      windowSeconds: number;
      firstDelaySeconds: number;
      maxDelaySeconds: number;
    };

export interface AttemptCount {
  /** Whether this attempt may be checked against the password. */
  allowed: boolean;
  /** Seconds until the next attempt is allowed (when refused, or when this one began a block). */
  retryAfter: number;
  /** This attempt reached the limit and began a block: a lockout to log. */
  beganBlock: boolean;
}

@Injectable()
export class LoginThrottleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Reserves one attempt for `key` before the password is checked, and says whether it may go on.
   * One atomic upsert: parallel guesses each get their own number from Postgres (row lock on the
   * counter), so none slips past, on every replica. A blocked counter is not counted further (a
   * flood while blocked neither overflows nor extends it). The reservation of a login that then
   * succeeds is given back (`release`): only failures count.
   */
  async reserve(key: string, rule: ThrottleRule): Promise<AttemptCount> {
    const maxDelay = rule.kind === 'delay' ? rule.maxDelaySeconds : 0;
    const firstDelay = rule.kind === 'delay' ? rule.firstDelaySeconds : 0;
    // $2 kind, $3 limit, $4 window seconds, $5 longest delay, $6 first delay. Every SET expression reads the row
    // as it was, so the new values are spelled out from the old ones.
    const win = 'make_interval(secs => $4)';
    const blocked = '(l.blocked_until IS NOT NULL AND l.blocked_until > now())';
    const stale = `(now() >= CASE $2::text WHEN 'delay'
        THEN GREATEST(l.window_start, COALESCE(l.blocked_until, l.window_start)) + ${win}
        ELSE l.window_start + ${win} END)`;
    const attempts = `(CASE WHEN ${blocked} THEN l.attempts WHEN ${stale} THEN 1 ELSE l.attempts + 1 END)`;
    const windowStart = `(CASE WHEN ${blocked} THEN l.window_start
        WHEN ${stale} OR $2::text = 'delay' THEN now() ELSE l.window_start END)`;
    const blockFrom = (count: string, start: string) => `(CASE $2::text
        WHEN 'delay' THEN now() + make_interval(secs => LEAST($5::bigint, $6::bigint * power(2, LEAST(${count} - $3, 30))::bigint))
        ELSE ${start} + ${win} END)`;
    const rows: { refused: boolean; began_block: boolean; retry_after: number }[] =
      await this.dataSource.query(
        `INSERT INTO login_attempt AS l (key, window_start, attempts, blocked_until, refused, began_block)
       VALUES ($1, now(), 1, CASE WHEN 1 >= $3 THEN ${blockFrom('1', 'now()')} END, false, 1 >= $3)
       ON CONFLICT (key) DO UPDATE SET
         refused = ${blocked},
         began_block = NOT ${blocked} AND ${attempts} >= $3,
         blocked_until = CASE WHEN ${blocked} THEN l.blocked_until
           WHEN ${attempts} >= $3 THEN ${blockFrom(attempts, windowStart)} END,
         attempts = ${attempts},
         window_start = ${windowStart}
       RETURNING refused, began_block,
         -- The clock now, not at the start: this statement may have waited for the row.
         COALESCE(GREATEST(1, CEIL(EXTRACT(EPOCH FROM (blocked_until - clock_timestamp()))))::int, 0) AS retry_after`,
        [key, rule.kind, rule.limit, rule.windowSeconds, maxDelay, firstDelay],
      );
    const row = rows[0];
    return { allowed: !row.refused, beganBlock: row.began_block, retryAfter: row.retry_after };
  }

  /** Gives back a reservation: the login succeeded, so it was no failure. */
  async release(key: string, limit: number, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `UPDATE login_attempt SET attempts = attempts - 1,
         blocked_until = CASE WHEN attempts - 1 < $2 THEN NULL ELSE blocked_until END
       WHERE key = $1 AND attempts > 0`,
      [key, limit],
    );
  }

  async reset(key: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query('DELETE FROM login_attempt WHERE key = $1', [key]);
  }

  /** Ends every delay on an account, from whichever client (the operator's `unlock_user`). */
  async resetAccount(accountPrefix: string): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM login_attempt WHERE starts_with(key, $1)`,
      [accountPrefix],
    );
    return result[1] ?? 0;
  }

  /** Counters that are neither blocking nor within their window are dead weight; a sweeper removes them. */
  async deleteExpired(windowSeconds: number): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected count].
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM login_attempt
        WHERE GREATEST(window_start, COALESCE(blocked_until, window_start)) <= now() - make_interval(secs => $1)`,
      [windowSeconds],
    );
    return result[1] ?? 0;
  }
}
