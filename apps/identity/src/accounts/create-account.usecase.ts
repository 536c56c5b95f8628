import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountDto, ErrorCode, FieldErrors } from '@app/contracts';
import { ServiceError } from '@app/bus';
import { OutboxRelay } from '@app/database';
import { Actor, AuditLogRepository } from '../audit/audit-log.repository';
import { isUniqueViolation } from '../shared/postgres-errors';
import { AccountCreator } from './account-creator';
import { toAccountDto } from './account.mapper';
import { ACCOUNT_EMAIL_UNIQUE, AccountRepository } from './account.repository';
import { CreateAccountInput } from './account.schemas';
import { checkApiEmail, checkUsername } from './account-validation';

// DRF's UniqueValidator wording (lower-case, with the model field's verbose name).
const duplicateEmail = () =>
  new ServiceError(ErrorCode.Conflict, 'user with this email address already exists.', {
    email: ['user with this email address already exists.'],
  });

/**
 * `POST /api/users/`: an account without a password (it cannot log in until one is set), with its
 * token, joining the caller's organization without making it active.
 */
@Injectable()
export class CreateAccountUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountRepository,
    private readonly creator: AccountCreator,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(input: CreateAccountInput, actor: Actor): Promise<AccountDto> {
    const email = checkApiEmail(input.email);
    const username = checkUsername(input.username);
    const fields: FieldErrors = {};
    if (email.errors.length) fields.email = email.errors;
    if (username.errors.length) fields.username = username.errors;
    if (Object.keys(fields).length)
      throw new ServiceError(ErrorCode.ValidationFailed, 'Validation error', fields);
    if (await this.accounts.emailExists(email.value)) throw duplicateEmail();

    let account: AccountDto;
    try {
      account = await this.dataSource.transaction(async (manager) => {
        const created = await this.creator.create(manager, {
          email: email.value,
          username: username.value,
          passwordHash: null,
          allowNewsletters: null,
          organizationId: input.organizationId,
          setActiveOrganization: false,
        });
        await this.audit.record(
          {
            action: 'account.create',
            actor,
            subjectUserId: created.id,
            details: { email: created.email, organizationId: input.organizationId },
          },
          manager,
        );
        return toAccountDto(created);
      });
    } catch (error) {
      if (isUniqueViolation(error, ACCOUNT_EMAIL_UNIQUE)) throw duplicateEmail();
      throw error;
    }
    this.relay.kick();
    return account;
  }
}
