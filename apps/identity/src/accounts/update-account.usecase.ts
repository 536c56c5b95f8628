import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountDto, ErrorCode } from '@app/contracts';
import { ServiceError } from '@app/bus';
import { OutboxRelay } from '@app/database';
import { Actor, AuditLogRepository } from '../audit/audit-log.repository';
import { recordAuthChange } from '../read-model/auth-user.projection';
import { toAccountDto } from './account.mapper';
import { AccountRepository } from './account.repository';
import { UpdateAccountInput } from './account.schemas';
import { checkUsername } from './account-validation';
import { accountNotFound } from './get-account.usecase';

/** The identity part of `PATCH /api/users/{id}/`: the username (email is read-only). */
@Injectable()
export class UpdateAccountUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountRepository,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(input: UpdateAccountInput, actor: Actor): Promise<AccountDto> {
    if (input.username === undefined || input.username === null) {
      const account = await this.accounts.findById(input.userId);
      if (!account) throw accountNotFound();
      return toAccountDto(account);
    }
    const username = checkUsername(input.username);
    if (username.errors.length) {
      throw new ServiceError(ErrorCode.ValidationFailed, 'Validation error', { username: username.errors });
    }
    const account = await this.dataSource.transaction(async (manager) => {
      const updated = await this.accounts.updateUsername(manager, input.userId, username.value);
      if (!updated) throw accountNotFound();
      await recordAuthChange(manager, updated.id);
      await this.audit.record(
        { action: 'account.update', actor, subjectUserId: updated.id, details: { field: 'username' } },
        manager,
      );
      return updated;
    });
    this.relay.kick();
    return toAccountDto(account);
  }
}
