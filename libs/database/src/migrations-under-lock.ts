import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Advisory locks are local to one database, and each service has its own: one constant serves all. */
const MIGRATIONS_LOCK_ID = 724_011_001;
const LOCK_WAIT_MS = 120_000;
const LOCK_POLL_MS = 200;

/**
 * TypeORM's `migrationsRun` takes no lock: replicas starting at the same moment on a fresh
 * database race to create the same tables, and all but one crash. Here the migrations run under
 * a PostgreSQL advisory lock, so replicas take turns and the later ones find nothing to do.
 * The lock is polled with `pg_try_advisory_lock` rather than awaited, so the wait is not cut
 * short by the pool's statement timeout.
 */
@Injectable()
export class MigrationsUnderLock implements OnModuleInit {
  private readonly logger = new Logger('Migrations');

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const deadline = Date.now() + LOCK_WAIT_MS;
      for (;;) {
        const [row] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
          MIGRATIONS_LOCK_ID,
        ])) as Array<{ locked: boolean }>;
        if (row.locked) break;
        if (Date.now() > deadline) throw new Error('Another replica has held the migrations lock too long');
        await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
      }
      try {
        const ran = await this.dataSource.runMigrations({ transaction: 'each' });
        if (ran.length) this.logger.log(`Ran ${ran.length} migration(s)`);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK_ID]);
      }
    } finally {
      await runner.release();
    }
  }
}
