import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, FieldErrors, IdentityEvents, RegisterReply } from '@app/contracts';
import { failIfSenderGone, ServiceError } from '@app/bus';
import { OutboxRelay, recordEvent } from '@app/database';
import { AuditLogRepository, Actor } from '../audit/audit-log.repository';
import { PasswordHasher } from '../auth/password-hasher';
import { passwordProblems } from '../auth/password-policy';
import { SessionIssuer } from '../sessions/session-issuer';
import { isUniqueViolation } from '../shared/postgres-errors';
import { AccountCreator } from './account-creator';
import { toAccountDto } from './account.mapper';
import { ACCOUNT_EMAIL_UNIQUE, AccountRepository } from './account.repository';
import { RegisterInput } from './account.schemas';
import { checkSignupEmail } from './account-validation';
import { usernameFromEmail } from './email-address';

const duplicateEmail = () =>
  new ServiceError(ErrorCode.Conflict, 'User with this email already exists', {
    email: ['User with this email already exists'],
  });

/** The web signup form (`POST /user/signup/`), after invitations allowed it and chose the organization. */
@Injectable()
export class RegisterAccountUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountRepository,
    private readonly creator: AccountCreator,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionIssuer,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(input: RegisterInput, actor: Actor): Promise<RegisterReply> {
    const email = checkSignupEmail(input.email);
    const password = input.password ?? '';
    const fields: FieldErrors = {};
    if (email.errors.length) fields.email = email.errors;
    const passwordErrors =
      input.password === undefined || input.password === null
        ? ['This field is required.']
        : passwordProblems(password, email.value);
    if (passwordErrors.length) fields.password = passwordErrors;
    if (Object.keys(fields).length)
      throw new ServiceError(ErrorCode.ValidationFailed, 'Validation error', fields);

    // Cheap early answer that spares a bcrypt round; the unique index still decides races below.
    if (await this.accounts.emailExists(email.value)) throw duplicateEmail();
    const passwordHash = await this.hasher.hash(password);

    let reply: RegisterReply;
    try {
      reply = await this.dataSource.transaction(async (manager) => {
        const account = await this.creator.create(manager, {
          email: email.value,
          username: usernameFromEmail(email.value),
          passwordHash,
          allowNewsletters: input.allowNewsletters ?? null,
          organizationId: input.organizationId,
          setActiveOrganization: true,
          signupTicket: input.ticket,
        });
        await this.audit.record(
          {
            action: 'signup',
            actor,
            subjectUserId: account.id,
            clientIp: input.clientIp,
            details: { email: account.email },
          },
          manager,
        );
        let session = null;
        if (input.openSession) {
          // Label Studio logs the new user in: last_login and last_activity are stamped as at login.
          const now = new Date();
          session = await this.sessions.open(manager, account.id, true);
          await this.accounts.recordLogin(manager, account.id, now);
          // The read model gets the session and last_login with the account (the creator
          // recorded the change; the relay reads the committed state).
          account.lastLogin = now;
          await recordEvent(manager, IdentityEvents.userLoggedIn, {
            userId: account.id,
            occurredAt: now.toISOString(),
          });
        }
        failIfSenderGone();
        return { account: toAccountDto(account), session };
      });
    } catch (error) {
      if (isUniqueViolation(error, ACCOUNT_EMAIL_UNIQUE)) throw duplicateEmail();
      throw error;
    }
    this.relay.kick();
    return reply;
  }
}
