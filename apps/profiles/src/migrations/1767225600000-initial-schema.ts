import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1767225600000 implements MigrationInterface {
  name = 'InitialSchema1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE profile (
        user_id integer PRIMARY KEY CHECK (user_id > 0),
        first_name varchar(256) NOT NULL DEFAULT '',
        last_name varchar(256) NOT NULL DEFAULT '',
        phone varchar(256) NOT NULL DEFAULT '',
        allow_newsletters boolean,
        custom_hotkeys jsonb NOT NULL DEFAULT '{}'::jsonb,
        avatar_key text,
        last_activity timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )
    `);
    // Events are consumed by independent durable consumers, so a user's "deleted" can be handled
    // before a late "registered" or "logged in". The removal time stops those from re-creating
    // the profile of an account that no longer exists.
    await queryRunner.query(`
      CREATE TABLE profile_removal (
        user_id integer PRIMARY KEY,
        removed_at timestamptz NOT NULL
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE profile_removal');
    await queryRunner.query('DROP TABLE profile');
  }
}
