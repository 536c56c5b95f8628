import { Injectable, Logger } from '@nestjs/common';
import { UnlockAccountReply } from '@app/contracts';
import { normaliseEmail } from '../accounts/email-address';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { accountPrefix } from './login.usecase';
import { LoginThrottleRepository } from './login-throttle.repository';

/**
 * The operator's `label-studio unlock_user`: clears the login delays of an account from every
 * client at once. The per-client counters stay: they belong to the addresses, not to the account.
 */
@Injectable()
export class UnlockAccountUseCase {
  private readonly logger = new Logger('LoginThrottle');

  constructor(
    private readonly throttle: LoginThrottleRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  async execute(rawEmail: string): Promise<UnlockAccountReply> {
    const email = normaliseEmail(rawEmail);
    const cleared = await this.throttle.resetAccount(accountPrefix(email));
    await this.audit.record({
      action: 'login.unlocked',
      actor: 'admin',
      subjectUserId: null,
      details: { email, cleared },
    });
    this.logger.log({ cleared }, 'login delays cleared by the operator');
    return { cleared };
  }
}
