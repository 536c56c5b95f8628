import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountDto, ErrorCode } from '@app/contracts';
import { ServiceError } from '@app/bus';
import { OutboxRelay } from '@app/database';
import { Actor, AuditLogRepository } from '../audit/audit-log.repository';
import { recordAuthChange } from '../read-model/auth-user.projection';
import { SessionRepository } from '../sessions/session.repository';
import { toAccountDto } from './account.mapper';
import { AccountRepository } from './account.repository';
import { SetActiveInput } from './account.schemas';
import { accountNotFound } from './get-account.usecase';

/** Why the flag changed, for the audit log. */
export type ActiveChangeReason = 'operator' | 'membership-removed';

/**
 * `label-studio deactivate_user` / `activate_user`, and the deactivation of a user removed from
 * their last organization. Idempotent: setting the flag it already has changes and records
 * nothing. Deactivation ends every session at once; the user's token is refused from the commit
 * on, because token authentication checks the flag on every request.
 */
@Injectable()
export class SetActiveUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountRepository,
    private readonly sessions: SessionRepository,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
  ) {}

  /** Idempotent; a user who no longer exists has nothing left to deactivate. */
  async deactivateRemovedMember(userId: number, removedBy: number | null): Promise<void> {
    try {
      await this.execute({ userId, active: false }, removedBy ?? undefined, 'membership-removed');
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === ErrorCode.NotFound)) throw error;
    }
  }

  async execute(
    input: SetActiveInput,
    actor: Actor,
    reason: ActiveChangeReason = 'operator',
  ): Promise<AccountDto> {
    let changed = false;
    const reply = await this.dataSource.transaction(async (manager) => {
      const account = await this.accounts.findForUpdate(manager, input.userId);
      if (!account) throw accountNotFound();
      if (account.isActive === input.active) return toAccountDto(account);
      await this.accounts.updateActive(manager, account.id, input.active);
      const sessionsEnded = input.active ? 0 : await this.sessions.deleteAllOf(manager, account.id);
      await recordAuthChange(manager, account.id);
      await this.audit.record(
        {
          action: input.active ? 'account.activate' : 'account.deactivate',
          actor,
          subjectUserId: account.id,
          details: { reason, sessionsEnded },
        },
        manager,
      );
      account.isActive = input.active;
      changed = true;
      return toAccountDto(account);
    });
    if (changed) this.relay.kick();
    return reply;
  }
}
