import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity';

/** What invitations keeps about a user: Label Studio's `user.active_organization`. */
@Entity({ name: 'user_context' })
export class UserContextEntity {
  @PrimaryColumn({ type: 'integer', name: 'user_id' })
  userId!: number;

  @Column({ type: 'integer', name: 'active_organization_id', nullable: true })
  activeOrganizationId!: number | null;

  @ManyToOne(() => OrganizationEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'active_organization_id' })
  activeOrganization?: OrganizationEntity | null;
}
