import { Injectable } from '@nestjs/common';
import { Empty } from '@app/contracts';
import { Actor, AuditLogRepository } from '../audit/audit-log.repository';
import { isWellFormedCredential } from '../shared/credential-format';
import { sessionDigest } from './session-key';
import { SessionRepository } from './session.repository';

/** Ends one session; idempotent (an unknown or already ended session is not an error). */
@Injectable()
export class LogoutUseCase {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  async execute(key: unknown, actor: Actor): Promise<Empty> {
    if (typeof key !== 'string' || !isWellFormedCredential(key)) return {};
    const userId = await this.sessions.delete(sessionDigest(key));
    if (userId !== null) await this.audit.record({ action: 'logout', actor, subjectUserId: userId });
    return {};
  }
}
