import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_TABLE_SQL } from '@app/database';

/**
 * The outbox: changes of the gateway's read model of profiles (`profiles` bucket) are recorded in
 * the transaction that makes them and published by the relay in commit order.
 */
export class Outbox1768435200000 implements MigrationInterface {
  name = 'Outbox1768435200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(OUTBOX_TABLE_SQL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE outbox');
  }
}
