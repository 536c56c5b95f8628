import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1767225600000 implements MigrationInterface {
  name = 'InitialSchema1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // created_by is Label Studio's OneToOne owner: at most one organization per user.
    await queryRunner.query(`
      CREATE TABLE organization (
        id serial PRIMARY KEY,
        title varchar(1000) NOT NULL,
        token varchar(256) NOT NULL UNIQUE,
        token_digest char(64) NOT NULL UNIQUE,
        created_by_id integer UNIQUE,
        created_by_email text,
        contact_info varchar(254),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )
    `);
    await queryRunner.query(`
      CREATE TABLE organization_member (
        id serial PRIMARY KEY,
        user_id integer NOT NULL CHECK (user_id > 0),
        organization_id integer NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        CONSTRAINT organization_member_user_organization_key UNIQUE (user_id, organization_id)
      )
    `);
    await queryRunner.query(
      'CREATE INDEX organization_member_organization_idx ON organization_member (organization_id, user_id)',
    );
    await queryRunner.query(
      'CREATE INDEX organization_member_deleted_at_idx ON organization_member (deleted_at)',
    );
    await queryRunner.query(`
      CREATE TABLE user_context (
        user_id integer PRIMARY KEY CHECK (user_id > 0),
        active_organization_id integer REFERENCES organization (id) ON DELETE SET NULL
      )
    `);
    // Registered and deleted events are consumed independently; a late "registered" must not
    // bring back the membership of a user already deleted.
    await queryRunner.query(`
      CREATE TABLE removed_user (
        user_id integer PRIMARY KEY,
        removed_at timestamptz NOT NULL DEFAULT now()
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE removed_user');
    await queryRunner.query('DROP TABLE user_context');
    await queryRunner.query('DROP TABLE organization_member');
    await queryRunner.query('DROP TABLE organization');
  }
}
