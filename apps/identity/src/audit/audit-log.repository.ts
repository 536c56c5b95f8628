import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditDetails, AuditEntry } from './audit-entry.entity';

export type AuditAction =
  | 'signup'
  | 'account.create'
  | 'account.update'
  | 'account.delete'
  | 'account.provision'
  | 'account.activate'
  | 'account.deactivate'
  | 'password.reset'
  | 'login'
  | 'login.failed'
  | 'login.locked'
  | 'logout'
  | 'token.reset';

/** The caller as `@Caller()` gives it: a user id, the operator's CLI, or nobody (anonymous/system). */
export type Actor = number | 'admin' | undefined;

export interface AuditRecord {
  action: AuditAction;
  actor?: Actor;
  subjectUserId?: number | null;
  clientIp?: string | null;
  details?: AuditDetails;
}

@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records inside the caller's transaction when given one, so the event and its audit agree. */
  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.insert(AuditEntry, {
      action: entry.action,
      actor: entry.actor === undefined ? null : String(entry.actor),
      subjectUserId: entry.subjectUserId ?? null,
      clientIp: entry.clientIp ?? null,
      details: entry.details ?? {},
    });
  }
}
