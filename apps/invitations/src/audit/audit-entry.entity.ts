import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Never secrets: no invite tokens. */
export type AuditDetails = Record<string, string | number | boolean | null>;

@Entity({ name: 'audit_log' })
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  action!: string;

  /** Who acted: a user id, 'admin' (operator CLI), or null (anonymous / system). */
  @Column({ type: 'text', nullable: true })
  actor!: string | null;

  /** Whom it concerned. */
  @Column({ type: 'integer', name: 'subject_user_id', nullable: true })
  subjectUserId!: number | null;

  @Column({ type: 'text', name: 'client_ip', nullable: true })
  clientIp!: string | null;

  @Column({ type: 'jsonb' })
  details!: AuditDetails;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
