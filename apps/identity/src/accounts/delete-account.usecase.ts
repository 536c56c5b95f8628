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
    if (!(await this.remove(userId, actor))) throw accountNotFound();
    return {};
  }

  /**
   * Invitations refused the signup this account was made by (its link was reset first): the
   * account goes, but only the one registered with that ticket. Idempotent.
   */
  async deleteRefusedSignup(userId: number, ticket: string): Promise<boolean> {
    return this.remove(userId, undefined, ticket);
  }

  private async remove(userId: number, actor: Actor, signupTicket?: string): Promise<boolean> {
    const deleted = await this.dataSource.transaction(async (manager) => {
      if (!(await this.accounts.delete(manager, userId, signupTicket))) return false;
      // The key goes from the gateway's read model: the account no longer exists.
      await recordAuthChange(manager, userId);
      await recordEvent(manager, IdentityEvents.userDeleted, {
        userId,
        occurredAt: new Date().toISOString(),
      });
      await this.audit.record(
        {
          action: signupTicket ? 'signup.refused' : 'account.delete',
          actor,
          subjectUserId: userId,
        },
        manager,
      );
      return true;
    });
    if (deleted) this.relay.kick();
    return deleted;
  }
}
