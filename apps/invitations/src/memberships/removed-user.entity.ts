import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A user identity hard-deleted. Registered and deleted events come through separate durable
 * consumers, so a late "registered" can arrive after "deleted"; this row stops it from bringing
 * the membership back. User ids are never reused, so the row never needs to go.
 */
@Entity({ name: 'removed_user' })
export class RemovedUserEntity {
  @PrimaryColumn({ type: 'integer', name: 'user_id' })
  userId!: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'removed_at' })
  removedAt!: Date;
}
