import { Injectable } from '@nestjs/common';
import { AccountDto, IdentitySubjects, InvitationsSubjects, ProfilesSubjects } from '@app/contracts';
import { AdminBus } from '../bus/admin-bus';
import { Terminal } from '../cli/terminal';
import { refusal } from './find-user';

export interface CreateUserInput {
  username: string;
  password?: string;
  token?: string;
}

/**
 * `label-studio create_user` (Label Studio's account creation of `start --username`, on its own):
 * a superuser that joins the first organization or founds "Label Studio". An existing account is
 * left as it is.
 */
@Injectable()
export class CreateUserUseCase {
  constructor(
    private readonly bus: AdminBus,
    private readonly terminal: Terminal,
  ) {}

  async execute(input: CreateUserInput): Promise<void> {
    const password =
      input.password ?? (await this.terminal.askHidden(`User password for ${input.username}: `));
    let reply: { account: AccountDto; created: boolean };
    try {
      reply = await this.bus.request(IdentitySubjects.provisionAccount, {
        email: input.username,
        password,
        ...(input.token === undefined ? {} : { token: input.token }),
      });
    } catch (error) {
      throw refusal(error);
    }
    if (!reply.created) {
      this.terminal.result(`User ${input.username} already exists`, {
        id: reply.account.id,
        email: reply.account.email,
        created: false,
      });
      return;
    }
    await this.complete(reply.account);
    this.terminal.result(`User ${reply.account.email} created`, {
      id: reply.account.id,
      email: reply.account.email,
      created: true,
    });
  }

  /**
   * The membership and the profile also follow from identity's durable event; asking for them
   * now (both are idempotent) makes `label-studio user` right after show the organization. A
   * service that is down only delays that.
   */
  private async complete(account: AccountDto): Promise<void> {
    await Promise.allSettled([
      this.bus.request(InvitationsSubjects.operatorEnsureMembership, {
        userId: account.id,
        email: account.email,
        organizationId: null,
        setActiveOrganization: true,
      }),
      this.bus.request(ProfilesSubjects.ensureProfile, { userId: account.id, allowNewsletters: null }),
    ]);
  }
}
