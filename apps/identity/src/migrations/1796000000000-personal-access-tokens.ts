import { MigrationInterface, QueryRunner } from 'typeorm';

/** Personal access tokens (Label Studio's JWT refresh tokens) and the keys that sign access tokens. */
export class PersonalAccessTokens1796000000000 implements MigrationInterface {
  name = 'PersonalAccessTokens1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      -- Never the token: a keyed digest of it for lookup, and header.payload (no signature, not a
      -- credential) to list it as Label Studio does.
      CREATE TABLE personal_access_token (
        jti char(32) PRIMARY KEY,
        user_id integer NOT NULL REFERENCES account (id) ON DELETE CASCADE,
        digest bytea NOT NULL,
        truncated text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      );
      CREATE UNIQUE INDEX personal_access_token_digest_key ON personal_access_token (digest);
      CREATE INDEX personal_access_token_user ON personal_access_token (user_id, created_at);

      -- Ed25519 keys for access tokens; the private half is encrypted with a key derived from SECRET_KEY.
      CREATE TABLE signing_key (
        kid text PRIMARY KEY,
        public_key text NOT NULL,
        private_key_ciphertext bytea NOT NULL,
        active_from timestamptz NOT NULL,
        retired_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE personal_access_token, signing_key');
  }
}
