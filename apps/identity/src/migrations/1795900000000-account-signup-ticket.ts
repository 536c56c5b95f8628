import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ticket a web signup was allowed with: invitations may refuse that signup later (its link was
 * reset before the membership was made), and its refusal deletes only the account made with it.
 */
export class AccountSignupTicket1795900000000 implements MigrationInterface {
  name = 'AccountSignupTicket1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE account ADD COLUMN signup_ticket uuid');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE account DROP COLUMN signup_ticket');
  }
}
