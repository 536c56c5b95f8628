import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InvitationsEvents, ParsedPayloadOf } from '@app/contracts';
import { BusClient, DurableConsumerGroup } from '@app/bus';
import { DeleteAccountUseCase } from '../accounts/delete-account.usecase';
import { SetActiveUseCase } from '../accounts/set-active.usecase';

const RETRY_MS = 1_000;

/**
 * What identity does on invitations' durable events, so that it happens whoever was down or
 * crashed meanwhile. Both handlers are idempotent (delivery is at least once).
 */
@Injectable()
export class InvitationsEventsConsumer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(InvitationsEventsConsumer.name);
  private readonly consumers: DurableConsumerGroup;
  private stopped = false;

  constructor(
    private readonly bus: BusClient,
    private readonly setActive: SetActiveUseCase,
    private readonly accounts: DeleteAccountUseCase,
  ) {
    this.consumers = new DurableConsumerGroup(bus.settings);
  }

  /** Subscribes in the background: start-up does not wait for NATS (requests fail fast meanwhile). */
  start(): void {
    void this.subscribe();
  }

  /**
   * A user removed from their last organization may no longer sign in (Label Studio lets them; we
   * do not): their account is deactivated, which ends their sessions and stops their token.
   */
  async memberRemoved(event: ParsedPayloadOf<typeof InvitationsEvents.memberRemoved>): Promise<void> {
    if (event.remainingActiveMemberships > 0) return;
    await this.setActive.deactivateRemovedMember(event.userId, event.removedBy);
  }

  /**
   * Invitations refused a web signup after its account was made (the link was reset first): the
   * account made with that ticket is deleted; one registered with another ticket (or none) never is.
   */
  async signupRefused(event: ParsedPayloadOf<typeof InvitationsEvents.signupRefused>): Promise<void> {
    if (await this.accounts.deleteRefusedSignup(event.userId, event.ticket)) {
      this.logger.log({ userId: event.userId }, 'Account of a refused signup deleted');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.consumers.stop();
  }

  private async subscribe(): Promise<void> {
    while (!this.stopped && !this.consumers.started) {
      try {
        const nc = await this.bus.nats();
        if (this.stopped) return;
        await this.consumers.add(nc, InvitationsEvents.memberRemoved, (event) => this.memberRemoved(event));
        await this.consumers.add(nc, InvitationsEvents.signupRefused, (event) => this.signupRefused(event));
      } catch (error) {
        // All or none: the next attempt subscribes to both again.
        await this.consumers.stop();
        this.logger.warn(`Cannot subscribe to invitations' events yet: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    if (this.stopped) await this.consumers.stop();
  }
}
