import { Column, Entity, EntityManager, PrimaryGeneratedColumn } from 'typeorm';

/** Never secrets: no passwords, tokens, session keys or invite tokens. */
export type AuditDetails = Record<string, string | number | boolean | null>;

/** A service's security audit trail (each service has its own `audit_log` table). */
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

export interface AuditRecord<Action extends string> {
  action: Action;
  /** The caller as `@Caller()` gives it: a user id, the operator's CLI, or nobody (anonymous/system). */
  actor?: number | 'admin';
  subjectUserId?: number | null;
  clientIp?: string | null;
  details?: AuditDetails;
}

/** Records inside the given transaction, so a change and its audit entry commit together. */
export async function recordAudit<Action extends string>(
  manager: EntityManager,
  entry: AuditRecord<Action>,
): Promise<void> {
  await manager.insert(AuditEntry, {
    action: entry.action,
    actor: entry.actor === undefined ? null : String(entry.actor),
    subjectUserId: entry.subjectUserId ?? null,
    clientIp: entry.clientIp ?? null,
    details: entry.details ?? {},
  });
}
