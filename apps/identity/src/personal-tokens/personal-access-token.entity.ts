import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One personal access token: never stored itself (see the migration). */
@Entity({ name: 'personal_access_token' })
export class PersonalAccessToken {
  @PrimaryColumn({ type: 'char', length: 32 })
  jti!: string;

  @Column({ type: 'integer', name: 'user_id' })
  userId!: number;

  @Column({ type: 'bytea' })
  digest!: Buffer;

  /** `header.payload`: what Label Studio lists; without the signature it authenticates nothing. */
  @Column({ type: 'text' })
  truncated!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
