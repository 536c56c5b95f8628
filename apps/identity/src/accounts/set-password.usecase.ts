import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Empty, ErrorCode } from '@app/contracts';
import { ServiceError } from '@app/bus';
import { OutboxRelay } from '@app/database';
import { Actor, AuditLogRepository } from '../audit/audit-log.repository';
import { PasswordHasher } from '../auth/password-hasher';
import { passwordProblems } from '../auth/password-policy';
import { recordAuthChange } from '../read-model/auth-user.projection';
import { SessionRepository } from '../sessions/session.repository';
import { AccountRepository } from './account.repository';
import { SetPasswordInput } from './account.schemas';
import { accountNotFound } from './get-account.usecase';

/** Label Studio's `reset_password` messages. */
export const EMPTY_PASSWORD_MESSAGE = 'Can not set empty password';
export const SAME_PASSWORD_MESSAGE = 'Entered password is the same as current';

const invalidPassword = (messages: string[]) =>
  new ServiceError(ErrorCode.ValidationFailed, messages.join(' '), { password: messages });

/**
 * The operator's `label-studio reset_password`. Unlike Label Studio it applies the signup policy,
 * and every session of the user ends, so whoever knew the old password is signed out everywhere.
 */
@Injectable()
export class SetPasswordUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountRepository,
    private readonly sessions: SessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(input: SetPasswordInput, actor: Actor): Promise<Empty> {
    const account = await this.accounts.findById(input.userId);
    if (!account) throw accountNotFound();
    if (input.password === '') throw invalidPassword([EMPTY_PASSWORD_MESSAGE]);
    const problems = passwordProblems(input.password, account.email);
    if (problems.length) throw invalidPassword(problems);
    if (account.passwordHash !== null && (await this.hasher.verify(input.password, account.passwordHash))) {
      throw invalidPassword([SAME_PASSWORD_MESSAGE]);
    }
    const passwordHash = await this.hasher.hash(input.password);

    await this.dataSource.transaction(async (manager) => {
      // Deleted meanwhile: nothing to change, and no session is left to end.
      if (!(await this.accounts.updatePasswordHash(manager, account.id, passwordHash))) {
        throw accountNotFound();
      }
      const sessionsEnded = await this.sessions.deleteAllOf(manager, account.id);
      await recordAuthChange(manager, account.id);
      await this.audit.record(
        { action: 'password.reset', actor, subjectUserId: account.id, details: { sessionsEnded } },
        manager,
      );
    });
    this.relay.kick();
    return {};
  }
}
