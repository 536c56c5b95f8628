import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The web signup's tickets: what was allowed (organization, and the digest of the link it was
 * allowed with), claimed by exactly one account, or refused for it.
 */
export class SignupTickets1767398400000 implements MigrationInterface {
  name = 'SignupTickets1767398400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE signup_ticket (
        id uuid PRIMARY KEY,
        organization_id integer,
        invite_digest char(64),
        state text NOT NULL DEFAULT 'issued' CHECK (state IN ('issued', 'claimed', 'refused')),
        user_id integer,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX signup_ticket_unclaimed ON signup_ticket (created_at) WHERE state = 'issued';
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE signup_ticket');
  }
}
