import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { IdentityEvents } from '@app/contracts';
import { recordEvent } from '@app/database';
import { recordAuthChange } from '../read-model/auth-user.projection';
import { TokenIssuer } from '../tokens/token-issuer';
import { Account } from './account.entity';
import { AccountRepository } from './account.repository';

export interface AccountToCreate {
  email: string;
  username: string;
  passwordHash: string | null;
  allowNewsletters: boolean | null;
  organizationId: number | null;
  setActiveOrganization: boolean;
  /** Operator accounts: superuser and staff, like Label Studio's CLI users. */
  isSuperuser?: boolean;
  /** A token the operator chose (already validated); none: one is generated. */
  token?: string;
  /** The web signup's ticket, carried to invitations in `user.registered`. */
  signupTicket?: string;
}

/**
 * What every new account gets, inside the caller's transaction: the row, its API token (Label
 * Studio's post_save signal), the `userRegistered` fact for invitations and profiles, and the
 * change of the gateway's read model (`auth-users`).
 */
@Injectable()
export class AccountCreator {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly tokens: TokenIssuer,
  ) {}

  async create(manager: EntityManager, input: AccountToCreate): Promise<Account> {
    const account = await this.accounts.insert(manager, {
      email: input.email,
      username: input.username,
      passwordHash: input.passwordHash,
      isSuperuser: input.isSuperuser,
      signupTicket: input.signupTicket,
    });
    await this.tokens.issue(manager, account.id, input.token);
    await recordAuthChange(manager, account.id);
    await recordEvent(manager, IdentityEvents.userRegistered, {
      userId: account.id,
      email: account.email,
      username: account.username,
      allowNewsletters: input.allowNewsletters,
      organizationId: input.organizationId,
      setActiveOrganization: input.setActiveOrganization,
      ...(input.signupTicket ? { ticket: input.signupTicket } : {}),
      occurredAt: account.dateJoined.toISOString(),
    });
    return account;
  }
}
