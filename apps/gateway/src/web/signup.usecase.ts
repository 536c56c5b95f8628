import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ErrorCode,
  IdentitySubjects,
  InvitationsSubjects,
  ProfilesSubjects,
  RegisterReply,
} from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
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
 * records the decision as a ticket (its organization, the link it was allowed with); identity
 * creates the account, its token and a session in one transaction, with the `user.registered`
 * event (carrying the ticket) in its outbox. The membership is made only by claiming that ticket,
 * from the call here or from the event, whichever comes first; the profile follows the same way.
 * Whatever dies when, the end state is no account, or an account with membership and profile.
 */
@Injectable()
export class SignupUseCase {
  private readonly logger = new Logger('Signup');

  constructor(
    private readonly bus: BusClient,
    private readonly model: GatewayReadModel,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async execute(input: SignupInput): Promise<RegisterReply> {
    const decision = await this.bus.request(InvitationsSubjects.issueSignupTicket, {
      inviteToken: input.inviteToken,
    });
    const reply = await this.bus.request(
      IdentitySubjects.register,
      {
        email: input.email,
        password: input.password,
        allowNewsletters: input.allowNewsletters,
        organizationId: decision.organizationId,
        clientIp: input.clientIp,
        openSession: true,
        ticket: decision.ticket,
      },
      // Identity queues password work and never starts what cannot finish within this.
      { timeoutMs: this.config.passwordRequestTimeoutMs },
    );
    const { account } = reply;
    const results = await Promise.allSettled([
      this.bus.request(InvitationsSubjects.ensureMembership, {
        userId: account.id,
        email: account.email,
        organizationId: decision.organizationId,
        setActiveOrganization: true,
        ticket: decision.ticket,
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
      // The link was reset between the decision and the claim. Invitations' refusal event deletes
      // the account durably; deleting it here too only makes that immediate.
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

  private async takeBack(userId: number): Promise<void> {
    this.model.deactivate(userId);
    try {
      await this.bus.request(IdentitySubjects.deleteAccount, { userId });
    } catch (error) {
      this.logger.warn(
        `Account ${userId} of a refused signup is deleted by the refusal event: ${String(error)}`,
      );
    }
  }
}
