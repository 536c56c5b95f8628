import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditRecord as Entry, recordAudit } from '@app/database';

export type AuditAction =
  | 'signup'
  | 'signup.refused'
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
  | 'login.unlocked'
  | 'logout'
  | 'token.reset'
  | 'pat.create'
  | 'pat.revoke'
  | 'pat.rotate'
  | 'signing-key.rotate';

/**
 * Who acted: the signed-in user the gateway named (`@Caller()`), 'admin' for a message that arrived
 * on an operator subject (only the admin credentials may send those), or nobody (anonymous/system).
 */
export type Actor = number | 'admin' | undefined;

export type AuditRecord = Entry<AuditAction>;

@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records inside the caller's transaction when given one, so the event and its audit agree. */
  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await recordAudit(manager, entry);
  }
}
