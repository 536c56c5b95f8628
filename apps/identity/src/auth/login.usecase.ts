import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { clientGroup, ErrorCode, IdentityEvents, LOGIN_FAILED_MESSAGE, LoginReply } from '@app/contracts';
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
import { AttemptCount, LoginThrottleRepository, ThrottleRule } from './login-throttle.repository';
import { PasswordHasher } from './password-hasher';

export const RATE_LIMITED_MESSAGE = 'Too many login attempts. Try again later.';

type FailureReason = 'unknown-user' | 'no-password' | 'wrong-password' | 'inactive' | 'password-changed';

/** The login form (`POST /user/login/`). */
@Injectable()
export class LoginUseCase {
  private readonly logger = new Logger('LoginThrottle');

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
    const account = email ? await this.accounts.findByEmail(email) : null;
    // Reserved before any hashing: a flood of guesses is refused without costing bcrypt rounds.
    const reservation = await this.reserve(email, clientIp);

    // Always one bcrypt comparison (a dummy one without a hash), so timing does not tell them apart.
    const verifiedHash = account?.passwordHash ?? null;
    const matches = await this.hasher.verify(input.password ?? '', verifiedHash);
    const reason = this.failureReason(account, matches);
    if (reason || !account || verifiedHash === null) {
      await this.fail(account, reason ?? 'unknown-user', clientIp, actor, reservation);
    }
    const found = account as Account;
    // A hash made at another cost (BCRYPT_COST changed since) is replaced while the password is at hand.
    const rehashed = this.hasher.needsRehash(verifiedHash as string)
      ? await this.hasher.hash(input.password ?? '')
      : null;

    const session = await this.dataSource.transaction(async (manager) => {
      // Only while the hash is still the one just verified: a password change that committed
      // meanwhile wins and this login fails; one that commits after this transaction waits for the
      // row lock taken here and then ends the session opened here with every other.
      const current = await this.accounts.recordVerifiedLogin(
        manager,
        found.id,
        verifiedHash as string,
        rehashed,
      );
      if (!current) return null;
      await this.throttle.reset(reservation.pairKey, manager);
      if (reservation.clientKey)
        await this.throttle.release(reservation.clientKey, this.clientRule().limit, manager);
      const opened = await this.sessions.open(manager, found.id, input.persistent);
      await recordAuthChange(manager, found.id);
      await recordEvent(manager, IdentityEvents.userLoggedIn, {
        userId: found.id,
        occurredAt: current.toISOString(),
      });
      await this.audit.record(
        {
          action: 'login',
          actor,
          subjectUserId: found.id,
          clientIp,
          details: { persistent: input.persistent, ...(rehashed ? { rehashed: true } : {}) },
        },
        manager,
      );
      failIfSenderGone();
      found.lastLogin = current;
      return opened;
    });
    if (!session) return this.fail(found, 'password-changed', clientIp, actor, reservation);
    this.relay.kick();
    return { account: toAccountDto(found), session };
  }

  private failureReason(account: Account | null, matches: boolean): FailureReason | null {
    if (!account) return 'unknown-user';
    if (account.passwordHash === null) return 'no-password';
    if (!matches) return 'wrong-password';
    if (!account.isActive) return 'inactive';
    return null;
  }

  /**
   * Records the failure (the normalised email only for an account that exists: a typo of an
   * address is not kept), logs a lockout this attempt began, and answers as for any failure.
   */
  private async fail(
    account: Account | null,
    reason: FailureReason,
    clientIp: string | undefined,
    actor: Actor,
    reservation: Reservation,
  ): Promise<never> {
    await this.audit.record({
      action: 'login.failed',
      actor,
      subjectUserId: account?.id ?? null,
      clientIp,
      details: account ? { email: account.email, reason } : { reason },
    });
    for (const [limit, count] of reservation.counts) {
      if (count.beganBlock) await this.lockout(limit, count, account, clientIp, actor);
    }
    throw new ServiceError(ErrorCode.LoginFailed, LOGIN_FAILED_MESSAGE);
  }

  private async lockout(
    limit: 'client' | 'account',
    count: AttemptCount,
    account: Account | null,
    clientIp: string | undefined,
    actor: Actor,
  ): Promise<void> {
    this.logger.warn(
      { limit, userId: account?.id ?? null, clientGroup: clientGroup(clientIp), seconds: count.retryAfter },
      limit === 'client' ? 'login lockout: client address' : 'login lockout: account from one client',
    );
    await this.audit.record({
      action: 'login.locked',
      actor,
      subjectUserId: account?.id ?? null,
      clientIp,
      details: { limit, seconds: count.retryAfter, ...(account ? { email: account.email } : {}) },
    });
  }

  /**
   * Failures are counted per account and client together (growing delays: a guesser from one
   * address slows to nothing, the owner elsewhere is not locked out) and per client address across
   * accounts (IPv6 by /64). A login that succeeds gives its reservations back: only failures count,
   * so any number of people behind one address can log in.
   */
  private async reserve(email: string, clientIp: string | undefined): Promise<Reservation> {
    const group = clientGroup(clientIp);
    const pairKey = `${accountPrefix(email)}${group}`;
    const clientKey = clientIp ? `client:${group}` : undefined;
    const counts: Reservation['counts'] = [];
    if (clientKey) {
      const count = await this.throttle.reserve(clientKey, this.clientRule());
      if (!count.allowed) throw rateLimited(count);
      counts.push(['client', count]);
    }
    const count = await this.throttle.reserve(pairKey, {
      kind: 'delay',
      limit: this.config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT,
      windowSeconds: this.config.LOGIN_WINDOW_SECONDS,
      firstDelaySeconds: this.config.LOGIN_FIRST_DELAY_SECONDS,
      maxDelaySeconds: this.config.LOGIN_MAX_DELAY_SECONDS,
    });
    if (!count.allowed) {
      if (clientKey) await this.throttle.release(clientKey, this.clientRule().limit);
      throw rateLimited(count);
    }
    counts.push(['account', count]);
    return { pairKey, clientKey, counts };
  }

  private clientRule(): ThrottleRule {
    return {
      kind: 'window',
      limit: this.config.LOGIN_MAX_ATTEMPTS_PER_CLIENT,
      windowSeconds: this.config.LOGIN_WINDOW_SECONDS,
    };
  }
}

interface Reservation {
  pairKey: string;
  clientKey?: string;
  counts: Array<['client' | 'account', AttemptCount]>;
}

/** Every counter of an account starts with this, whichever client it counts (`unlock_user` clears them all). */
export const accountPrefix = (email: string) => `account:${email}|`;

const rateLimited = (count: AttemptCount) =>
  new ServiceError(ErrorCode.RateLimited, RATE_LIMITED_MESSAGE, undefined, count.retryAfter);
