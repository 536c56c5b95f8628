import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Empty, IdentityEvents } from '@app/contracts';
import { OutboxRelay, recordEvent } from '@app/database';
import { Actor, AuditLogRepository } from '../audit/audit-log.repository';
import { recordAuthChange } from '../read-model/auth-user.projection';
import { AccountRepository } from './account.repository';
import { accountNotFound } from './get-account.usecase';

/** `DELETE /api/users/{id}/`: a hard delete; token and sessions go with the row, at once. */
@Injectable()
export class DeleteAccountUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountRepository,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(userId: number, actor: Actor): Promise<Empty> {
    const deleted = await this.dataSource.transaction(async (manager) => {
      if (!(await this.accounts.delete(manager, userId))) return false;
      // The key goes from the gateway's read model: the account no longer exists.
      await recordAuthChange(manager, userId);
      await recordEvent(manager, IdentityEvents.userDeleted, {
        userId,
        occurredAt: new Date().toISOString(),
      });
      await this.audit.record({ action: 'account.delete', actor, subjectUserId: userId }, manager);
      return true;
    });
    if (!deleted) throw accountNotFound();
    this.relay.kick();
    return {};
  }
}
