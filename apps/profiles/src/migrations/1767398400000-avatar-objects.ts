import { MigrationInterface, QueryRunner } from 'typeorm';

export class AvatarObjects1767398400000 implements MigrationInterface {
  name = 'AvatarObjects1767398400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Serving looks a profile up by its avatar file; no two profiles share one.
    await queryRunner.query(
      'CREATE UNIQUE INDEX profile_avatar_key ON profile (avatar_key) WHERE avatar_key IS NOT NULL',
    );
    // Objects in storage that no profile points at (yet, or any more): written before an object is
    // stored and when a profile lets go of one, so a crash at any step leaves a record of what to
    // remove. The sweeper removes those older than a grace period.
    await queryRunner.query(`
      CREATE TABLE avatar_orphan (
        file text PRIMARY KEY,
        since timestamptz NOT NULL DEFAULT now()
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE avatar_orphan');
    await queryRunner.query('DROP INDEX profile_avatar_key');
  }
}
