import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, FieldErrors, ProvisionAccountReply } from '@app/contracts';
import { ServiceError } from '@app/bus';
import { OutboxRelay } from '@app/database';
import { Actor, AuditLogRepository } from '../audit/audit-log.repository';
import { PasswordHasher } from '../auth/password-hasher';
import { passwordProblems } from '../auth/password-policy';
import { isUniqueViolation } from '../shared/postgres-errors';
import { API_TOKEN_DIGEST_UNIQUE, ApiTokenRepository } from '../tokens/api-token.repository';
import { TokenCipher } from '../tokens/token-cipher';
import { userTokenProblem } from '../tokens/user-token-rule';
import { AccountCreator } from './account-creator';
import { toAccountDto } from './account.mapper';
import { ACCOUNT_EMAIL_UNIQUE, AccountRepository } from './account.repository';
import { ProvisionAccountInput } from './account.schemas';
import { checkSignupEmail } from './account-validation';

/** Where the request came from, for the audit log: the admin CLI over the bus, or identity's own start-up. */
export type ProvisionSource = 'bus' | 'environment';

const tokenTaken = () =>
  new ServiceError(ErrorCode.Conflict, 'This token is already in use by another user', {
    token: ['This token is already in use by another user'],
  });

/**
 * The operator's account creation: `label-studio create_user`, `start --username`, and the
 * bootstrap account from LABEL_STUDIO_USERNAME. Like Label Studio's CLI it makes a superuser and
 * staff account with an empty username, and an account that already exists is left exactly as it
 * is ("User U already exists"). The signup restriction does not apply: this is the operator's
 * path, recorded in the audit log.
 *
 * Several replicas may run this at the same moment for the same email: the unique index on the
 * email lets exactly one insert through, and the others answer `created: false`.
 */
@Injectable()
export class ProvisionAccountUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountRepository,
    private readonly tokens: ApiTokenRepository,
    private readonly cipher: TokenCipher,
    private readonly creator: AccountCreator,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(
    input: ProvisionAccountInput,
    actor: Actor,
    source: ProvisionSource = 'bus',
  ): Promise<ProvisionAccountReply> {
    const email = checkSignupEmail(input.email);
    const fields: FieldErrors = {};
    if (email.errors.length) fields.email = email.errors;
    const passwordErrors = passwordProblems(input.password, email.value);
    if (passwordErrors.length) fields.password = passwordErrors;
    const tokenError = input.token === undefined ? null : userTokenProblem(input.token);
    if (tokenError) fields.token = [tokenError];
    if (Object.keys(fields).length) {
      throw new ServiceError(ErrorCode.ValidationFailed, Object.values(fields).flat().join(' '), fields);
    }

    const existing = await this.accounts.findByEmail(email.value);
    if (existing) return { account: toAccountDto(existing), created: false };
    if (input.token !== undefined && (await this.tokens.findOwnerByDigest(this.cipher.digest(input.token)))) {
      // Taken by the account another replica has just made from the same settings, or by someone else.
      return this.madeMeanwhile(email.value, tokenTaken());
    }
    const passwordHash = await this.hasher.hash(input.password);

    try {
      const account = await this.dataSource.transaction(async (manager) => {
        const created = await this.creator.create(manager, {
          email: email.value,
          username: '',
          passwordHash,
          allowNewsletters: null,
          // Label Studio's `start --username`: join the first organization, or found "Label Studio".
          organizationId: null,
          setActiveOrganization: true,
          isSuperuser: true,
          token: input.token,
        });
        await this.audit.record(
          {
            action: 'account.provision',
            actor,
            subjectUserId: created.id,
            details: { email: created.email, source, chosenToken: input.token !== undefined },
          },
          manager,
        );
        return created;
      });
      this.relay.kick();
      return { account: toAccountDto(account), created: true };
    } catch (error) {
      if (isUniqueViolation(error, API_TOKEN_DIGEST_UNIQUE))
        return this.madeMeanwhile(email.value, tokenTaken());
      if (!isUniqueViolation(error, ACCOUNT_EMAIL_UNIQUE)) throw error;
      return this.madeMeanwhile(email.value, error);
    }
  }

  /**
   * Another replica (or a signup) created the account first — replicas starting together race on
   * the same settings, and the loser may trip over the token's or the email's uniqueness: theirs
   * stands, as an existing account would. Otherwise `failure` is the answer.
   */
  private async madeMeanwhile(email: string, failure: unknown): Promise<ProvisionAccountReply> {
    const winner = await this.accounts.findByEmail(email);
    if (!winner) throw failure;
    return { account: toAccountDto(winner), created: false };
  }
}
