import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'profile' })
export class ProfileEntity {
  @PrimaryColumn({ type: 'integer', name: 'user_id' })
  userId!: number;

  @Column({ type: 'varchar', length: 256, name: 'first_name', default: '' })
  firstName!: string;

  @Column({ type: 'varchar', length: 256, name: 'last_name', default: '' })
  lastName!: string;

  @Column({ type: 'varchar', length: 256, default: '' })
  phone!: string;

  @Column({ type: 'boolean', name: 'allow_newsletters', nullable: true })
  allowNewsletters!: boolean | null;

  @Column({ type: 'jsonb', name: 'custom_hotkeys', default: () => "'{}'::jsonb" })
  customHotkeys!: Record<string, unknown>;

  /** Object key of the avatar image in storage; the URL is derived from it. */
  @Column({ type: 'text', name: 'avatar_key', nullable: true })
  avatarKey!: string | null;

  @Column({ type: 'timestamptz', name: 'last_activity', nullable: true })
  lastActivity!: Date | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
