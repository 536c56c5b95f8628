import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Empty } from '@app/contracts';
import { OutboxRelay } from '@app/database';
import { Actor, AuditLogRepository } from '../audit/audit-log.repository';
import { recordAuthChange } from '../read-model/auth-user.projection';
import { isWellFormedCredential } from '../shared/credential-format';
import { sessionDigest } from './session-key';
import { SessionRepository } from './session.repository';

/**
 * Ends one session; idempotent (an unknown or already ended session is not an error). The session
 * leaves the gateway's read model (`auth-users`) through the outbox, in the same transaction.
 */
@Injectable()
export class LogoutUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionRepository,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(key: unknown, actor: Actor): Promise<Empty> {
    if (typeof key !== 'string' || !isWellFormedCredential(key)) return {};
    const userId = await this.dataSource.transaction(async (manager) => {
      const owner = await this.sessions.delete(manager, sessionDigest(key));
      if (owner === null) return null;
      await recordAuthChange(manager, owner);
      await this.audit.record({ action: 'logout', actor, subjectUserId: owner }, manager);
      return owner;
    });
    if (userId !== null) this.relay.kick();
    return {};
  }
}
