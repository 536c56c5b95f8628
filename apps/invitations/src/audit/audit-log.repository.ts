import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BusCaller } from '../memberships/membership-requests.schema';
import { AuditDetails, AuditEntry } from './audit-entry.entity';

export type AuditAction =
  'signup' | 'signup.refused' | 'invite.reset' | 'organization.update' | 'member.removed';

export interface AuditRecord {
  action: AuditAction;
  actor?: BusCaller;
  subjectUserId?: number | null;
  details?: AuditDetails;
}

@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records inside the caller's transaction when given one, so the change and its audit agree. */
  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.insert(AuditEntry, {
      action: entry.action,
      actor: entry.actor === undefined ? null : String(entry.actor),
      subjectUserId: entry.subjectUserId ?? null,
      details: entry.details ?? {},
    });
  }
}
