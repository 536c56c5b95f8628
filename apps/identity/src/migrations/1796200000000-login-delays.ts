import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login throttling by growing delays: a counter may hold a block end (`blocked_until`), and the
 * statement that counts an attempt records whether that attempt was refused and whether it began
 * a block, so one atomic upsert answers all three.
 */
export class LoginDelays1796200000000 implements MigrationInterface {
  name = 'LoginDelays1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM login_attempt;
      ALTER TABLE login_attempt
        ADD COLUMN blocked_until timestamptz,
        ADD COLUMN refused boolean NOT NULL DEFAULT false,
        ADD COLUMN began_block boolean NOT NULL DEFAULT false;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE login_attempt DROP COLUMN blocked_until, DROP COLUMN refused, DROP COLUMN began_block;
    `);
  }
}
