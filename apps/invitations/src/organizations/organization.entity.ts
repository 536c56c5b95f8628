import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Label Studio's `organization`; the owner is `created_by`, the invite token is `token`. */
@Entity({ name: 'organization' })
export class OrganizationEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 1000 })
  title!: string;

  /** The invite token, kept so the link can be shown again; looked up only through its digest. */
  @Column({ type: 'varchar', length: 256 })
  token!: string;

  @Column({ type: 'char', length: 64, name: 'token_digest' })
  tokenDigest!: string;

  @Column({ type: 'integer', name: 'created_by_id', nullable: true })
  createdById!: number | null;

  /** The owner's email, so `active_organization_meta.email` needs no call to identity. */
  @Column({ type: 'text', name: 'created_by_email', nullable: true })
  createdByEmail!: string | null;

  @Column({ type: 'varchar', length: 254, name: 'contact_info', nullable: true })
  contactInfo!: string | null;

  /** Label Studio's `JWTSettings.api_tokens_enabled`: access tokens from personal access tokens work. */
  @Column({ type: 'boolean', name: 'api_tokens_enabled', default: true })
  apiTokensEnabled!: boolean;

  /** Label Studio's `JWTSettings.legacy_api_tokens_enabled`: `Authorization: Token` works. */
  @Column({ type: 'boolean', name: 'legacy_api_tokens_enabled', default: true })
  legacyApiTokensEnabled!: boolean;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
