import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { ErrorCode, InvitationsEvents, MemberRemovedEvent } from '@app/contracts';
import { BusClient, consumeDurably, DurableSubscription, parseEvent, ServiceError } from '@app/bus';
import { idSchema } from '../accounts/account.schemas';
import { SetActiveUseCase } from '../accounts/set-active.usecase';

export const MEMBER_REMOVED_DURABLE = 'identity-member-removed';

const memberRemovedSchema = z.object({
  userId: idSchema,
  removedBy: idSchema.nullable().optional(),
  remainingActiveMemberships: z.number().int().min(0),
});

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

  async handle(payload: MemberRemovedEvent): Promise<void> {
    const event = parseEvent(memberRemovedSchema, payload, InvitationsEvents.memberRemoved, this.logger);
    if (!event || event.remainingActiveMemberships > 0) return;
    try {
      await this.setActive.execute(
        { userId: event.userId, active: false },
        event.removedBy ?? undefined,
        'membership-removed',
      );
    } catch (error) {
      // The account was deleted meanwhile: nothing is left to deactivate.
      if (!(error instanceof ServiceError && error.code === ErrorCode.NotFound)) throw error;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
  }

  private async subscribe(): Promise<void> {
    const spec = { stream: InvitationsEvents.stream, subjects: InvitationsEvents.subjects };
    while (!this.stopped && !this.subscription) {
      try {
        const nc = await this.bus.nats();
        if (this.stopped) return;
        this.subscription = await consumeDurably(
          nc,
          spec,
          MEMBER_REMOVED_DURABLE,
          InvitationsEvents.memberRemoved,
          (payload) => this.handle(payload),
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
