import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditRecord as Entry, recordAudit } from '@app/database';

export type AuditAction =
  | 'signup'
  | 'signup.refused'
  | 'invite.reset'
  | 'organization.update'
  | 'organization.token-settings'
  | 'member.removed';

export type AuditRecord = Entry<AuditAction>;

@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records inside the caller's transaction when given one, so the change and its audit agree. */
  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await recordAudit(manager, entry);
  }
}
