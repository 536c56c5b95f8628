import { Injectable, Logger } from '@nestjs/common';
import {
  ErrorCode,
  IdentitySubjects,
  InvitationsSubjects,
  ProfilesSubjects,
  RegisterReply,
} from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { GatewayReadModel } from '../read-model/gateway-read-model';

export interface SignupInput {
  email: string;
  password: string;
  allowNewsletters: boolean | null;
  inviteToken?: string;
  clientIp?: string;
}

/**
 * The flow that crosses every service: invitations decides whether the signup may happen and
 * which organization it joins; identity creates the account, its token and a session in one
 * transaction, with the `user.registered` event in its outbox. Membership and profile follow from
 * that event durably; they are also requested here so the first page after signup is complete.
 */
@Injectable()
export class SignupUseCase {
  private readonly logger = new Logger('Signup');

  constructor(
    private readonly bus: BusClient,
    private readonly model: GatewayReadModel,
  ) {}

  async execute(input: SignupInput): Promise<RegisterReply> {
    const decision = await this.bus.request(InvitationsSubjects.authorizeSignup, {
      inviteToken: input.inviteToken,
    });
    const reply = await this.bus.request(IdentitySubjects.register, {
      email: input.email,
      password: input.password,
      allowNewsletters: input.allowNewsletters,
      organizationId: decision.organizationId,
      clientIp: input.clientIp,
      openSession: true,
    });
    const { account } = reply;
    // Invitations checks the link again as it adds the membership: a reset that committed since
    // the decision above refuses this signup, and the account just made is taken back.
    const results = await Promise.allSettled([
      this.bus.request(InvitationsSubjects.ensureMembership, {
        userId: account.id,
        email: account.email,
        organizationId: decision.organizationId,
        setActiveOrganization: true,
        ...(input.inviteToken ? { inviteToken: input.inviteToken } : {}),
      }),
      this.bus.request(ProfilesSubjects.ensureProfile, {
        userId: account.id,
        allowNewsletters: input.allowNewsletters,
      }),
    ]);
    const [membership] = results;
    if (
      membership.status === 'rejected' &&
      membership.reason instanceof BusError &&
      membership.reason.code === ErrorCode.SignupForbidden
    ) {
      await this.takeBack(account.id);
      throw membership.reason;
    }
    for (const result of results) {
      if (result.status === 'rejected') {
        // Not an error for the user: the registration event completes the account when the
        // service is back.
        this.logger.warn(`Signup of user ${account.id} completes later: ${String(result.reason)}`);
      }
    }
    return reply;
  }

  /** Deletes the account of a refused signup (its token and session go with it). */
  private async takeBack(userId: number): Promise<void> {
    try {
      await this.bus.request(IdentitySubjects.deleteAccount, { userId });
      this.model.deactivate(userId);
    } catch (error) {
      this.logger.error(`Account ${userId} of a refused signup could not be deleted: ${String(error)}`);
      throw error;
    }
  }
}
