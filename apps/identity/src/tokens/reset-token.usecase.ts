import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '@app/database';
import { TokenReply } from '@app/contracts';
import { Actor, AuditLogRepository } from '../audit/audit-log.repository';
import { accountNotFound } from '../accounts/get-account.usecase';
import { recordAuthChange } from '../read-model/auth-user.projection';
import { isForeignKeyViolation } from '../shared/postgres-errors';
import { TokenIssuer } from './token-issuer';

/**
 * `POST /api/current-user/reset-token/`: the new key replaces the old row in one statement, so the
 * old key answers 'Invalid token.' on every replica from the commit on. The gateway's read model
 * (`auth-users`) gets the new digest from the outbox, published right after the commit.
 */
@Injectable()
export class ResetTokenUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly issuer: TokenIssuer,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(userId: number, actor: Actor): Promise<TokenReply> {
    let reply: TokenReply;
    try {
      reply = await this.dataSource.transaction(async (manager) => {
        const token = await this.issuer.issue(manager, userId);
        await recordAuthChange(manager, userId);
        await this.audit.record({ action: 'token.reset', actor, subjectUserId: userId }, manager);
        return { token };
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw accountNotFound();
      throw error;
    }
    this.relay.kick();
    return reply;
  }
}
