import { Injectable, Logger } from '@nestjs/common';
import { IdentitySubjects, InvitationsSubjects, ProfilesSubjects, RegisterReply } from '@app/contracts';
import { BusClient } from '@app/bus';

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

  constructor(private readonly bus: BusClient) {}

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
    const results = await Promise.allSettled([
      this.bus.request(InvitationsSubjects.ensureMembership, {
        userId: account.id,
        email: account.email,
        organizationId: decision.organizationId,
        setActiveOrganization: true,
      }),
      this.bus.request(ProfilesSubjects.ensureProfile, {
        userId: account.id,
        allowNewsletters: input.allowNewsletters,
      }),
    ]);
    for (const result of results) {
      if (result.status === 'rejected') {
        // Not an error for the user: the registration event completes the account when the
        // service is back.
        this.logger.warn(`Signup of user ${account.id} completes later: ${String(result.reason)}`);
      }
    }
    return reply;
  }
}
