import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, IdentityEvents, LoginReply } from '@app/contracts';
import { failIfSenderGone, ServiceError } from '@app/bus';
import { OutboxRelay, recordEvent } from '@app/database';
import { Account } from '../accounts/account.entity';
import { toAccountDto } from '../accounts/account.mapper';
import { AccountRepository } from '../accounts/account.repository';
import { EMAIL_MAX_LENGTH, normaliseEmail } from '../accounts/email-address';
import { Actor, AuditLogRepository } from '../audit/audit-log.repository';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';
import { recordAuthChange } from '../read-model/auth-user.projection';
import { SessionIssuer } from '../sessions/session-issuer';
import { LoginInput } from './auth.schemas';
import { LoginThrottleRepository } from './login-throttle.repository';
import { PasswordHasher } from './password-hasher';

/** Label Studio's one message for unknown user, wrong password and inactive account. */
export const LOGIN_FAILED_MESSAGE = "The email and password you entered don't match.";
export const RATE_LIMITED_MESSAGE = 'Too many login attempts. Try again later.';

type FailureReason = 'unknown-user' | 'no-password' | 'wrong-password' | 'inactive';

/** The login form (`POST /user/login/`). */
@Injectable()
export class LoginUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleRepository,
    private readonly sessions: SessionIssuer,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async execute(input: LoginInput, actor: Actor): Promise<LoginReply> {
    const email = normaliseEmail(input.email ?? '');
    if (email.length >= EMAIL_MAX_LENGTH) {
      throw new ServiceError(ErrorCode.ValidationFailed, 'Email is too long', {
        email: ['Email is too long'],
      });
    }
    // PostgreSQL cannot store NUL, and no address has control characters: an input error, not a 500.
    if (/[\u0000-\u001f\u007f]/.test(email)) {
      throw new ServiceError(ErrorCode.ValidationFailed, 'Enter a valid email address.', {
        email: ['Enter a valid email address.'],
      });
    }
    const clientIp = input.clientIp || undefined;
    // Counted before any hashing: a flood of guesses is refused without costing bcrypt rounds.
    await this.countAttempt(email, clientIp, actor);

    const account = email ? await this.accounts.findByEmail(email) : null;
    // Always one bcrypt comparison (a dummy one without a hash), so timing does not tell them apart.
    const matches = await this.hasher.verify(input.password ?? '', account?.passwordHash ?? null);
    const reason = this.failureReason(account, matches);
    if (reason || !account) {
      await this.audit.record({
        action: 'login.failed',
        actor,
        subjectUserId: account?.id ?? null,
        clientIp,
        details: { email, reason: reason ?? 'unknown-user' },
      });
      throw new ServiceError(ErrorCode.LoginFailed, LOGIN_FAILED_MESSAGE);
    }

    const now = new Date();
    const session = await this.dataSource.transaction(async (manager) => {
      await this.throttle.reset(accountKey(email), manager);
      await this.accounts.recordLogin(manager, account.id, now);
      const opened = await this.sessions.open(manager, account.id, input.persistent, now);
      await recordAuthChange(manager, account.id);
      await recordEvent(manager, IdentityEvents.userLoggedIn, {
        userId: account.id,
        occurredAt: now.toISOString(),
      });
      await this.audit.record(
        {
          action: 'login',
          actor,
          subjectUserId: account.id,
          clientIp,
          details: { persistent: input.persistent },
        },
        manager,
      );
      failIfSenderGone();
      return opened;
    });
    this.relay.kick();
    account.lastLogin = now;
    return { account: toAccountDto(account), session };
  }

  private failureReason(account: Account | null, matches: boolean): FailureReason | null {
    if (!account) return 'unknown-user';
    if (account.passwordHash === null) return 'no-password';
    if (!matches) return 'wrong-password';
    if (!account.isActive) return 'inactive';
    return null;
  }

  /** Per account and per client address; both limits hold across replicas (the counters live in Postgres). */
  private async countAttempt(email: string, clientIp: string | undefined, actor: Actor): Promise<void> {
    const window = this.config.LOGIN_WINDOW_SECONDS;
    const limits = [{ key: accountKey(email), limit: this.config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT }];
    if (clientIp)
      limits.push({ key: `client:${clientIp}`, limit: this.config.LOGIN_MAX_ATTEMPTS_PER_CLIENT });
    for (const { key, limit } of limits) {
      const count = await this.throttle.hit(key, limit, window);
      if (!count.allowed) {
        await this.audit.record({
          action: 'login.locked',
          actor,
          clientIp,
          details: { email, limit: key.startsWith('client:') ? 'client' : 'account' },
        });
        throw new ServiceError(ErrorCode.RateLimited, RATE_LIMITED_MESSAGE, undefined, count.retryAfter);
      }
    }
  }
}

const accountKey = (email: string) => `account:${email}`;
