import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InvitationsEvents, ParsedPayloadOf } from '@app/contracts';
import { BusClient, consumeDurably, DurableSubscription } from '@app/bus';
import { SetActiveUseCase } from '../accounts/set-active.usecase';

const RETRY_MS = 1_000;

/**
 * A user removed from their last organization may no longer sign in (Label Studio lets them; we
 * do not): their account is deactivated, which ends their sessions and stops their token. The
 * event is durable, so a removal while identity is down takes effect when it is back; the handler
 * is idempotent (delivery is at least once).
 */
@Injectable()
export class MemberRemovedConsumer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MemberRemovedConsumer.name);
  private subscription?: DurableSubscription;
  private stopped = false;

  constructor(
    private readonly bus: BusClient,
    private readonly setActive: SetActiveUseCase,
  ) {}

  /** Subscribes in the background: start-up does not wait for NATS (requests fail fast meanwhile). */
  start(): void {
    void this.subscribe();
  }

  async handle(event: ParsedPayloadOf<typeof InvitationsEvents.memberRemoved>): Promise<void> {
    if (event.remainingActiveMemberships > 0) return;
    await this.setActive.deactivateRemovedMember(event.userId, event.removedBy);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
  }

  private async subscribe(): Promise<void> {
    while (!this.stopped && !this.subscription) {
      try {
        const nc = await this.bus.nats();
        if (this.stopped) return;
        this.subscription = await consumeDurably(
          nc,
          this.bus.settings,
          InvitationsEvents.memberRemoved,
          (event) => this.handle(event),
        );
      } catch (error) {
        this.logger.warn(
          `Cannot subscribe to ${InvitationsEvents.memberRemoved.subject} yet: ${String(error)}`,
        );
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    if (this.stopped) await this.subscription?.stop();
  }
}
