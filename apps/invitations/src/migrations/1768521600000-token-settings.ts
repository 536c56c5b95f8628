import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Label Studio's `JWTSettings`, one per organization: personal access tokens and legacy tokens are
 * both allowed by default (legacy tokens stay on: the seed's "use the user token for API access").
 */
export class TokenSettings1768521600000 implements MigrationInterface {
  name = 'TokenSettings1768521600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE organization
        ADD COLUMN api_tokens_enabled boolean NOT NULL DEFAULT true,
        ADD COLUMN legacy_api_tokens_enabled boolean NOT NULL DEFAULT true
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE organization DROP COLUMN api_tokens_enabled, DROP COLUMN legacy_api_tokens_enabled',
    );
  }
}
