import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SignupTicketReply } from '@app/contracts';
import { inviteTokenDigest } from '../organizations/invite-token';
import { AuthorizeSignupUseCase } from './authorize-signup.usecase';
import { readInviteToken } from './signup-policy';
import { SignupTicketRepository } from './signup-ticket.repository';

/**
 * An unclaimed ticket is kept long enough for any account made with it to be completed from its
 * durable `user.registered` event, even after a long outage of this service.
 */
const UNCLAIMED_TICKET_DAYS = 7;
const SWEEP_EVERY_MS = 60 * 60 * 1000;

/**
 * The web signup's decision, recorded: the account that follows claims the ticket (from the
 * gateway's call or from identity's event, whichever comes first), and the link is checked again
 * at that moment under the organization's lock.
 */
@Injectable()
export class IssueSignupTicketUseCase implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IssueSignupTicketUseCase.name);
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly authorize: AuthorizeSignupUseCase,
    private readonly tickets: SignupTicketRepository,
  ) {}

  async execute(inviteToken: unknown): Promise<SignupTicketReply> {
    const { organizationId } = await this.authorize.execute(inviteToken);
    const invite = readInviteToken(inviteToken);
    // Allowed with a token means the token was valid: its digest is what the claim compares.
    const digest = invite.kind === 'given' ? inviteTokenDigest(invite.token) : null;
    const ticket = await this.tickets.issue(organizationId, digest);
    return { organizationId, ticket };
  }

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  private async sweep(): Promise<void> {
    try {
      const before = new Date(Date.now() - UNCLAIMED_TICKET_DAYS * 24 * 3600 * 1000);
      const removed = await this.tickets.removeUnclaimedBefore(before);
      if (removed) this.logger.log({ removed }, 'Unclaimed signup tickets removed');
    } catch (error) {
      this.logger.warn(`Signup tickets not swept: ${String(error)}`);
    }
  }
}
