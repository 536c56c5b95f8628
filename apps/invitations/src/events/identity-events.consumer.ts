import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { ErrorCode, EventContract, IdentityEvents, PayloadOf } from '@app/contracts';
import { BusClient, consumeDurably, DurableSubscription, parseEvent, ServiceError } from '@app/bus';
import { EnsureMembershipUseCase } from '../memberships/ensure-membership.usecase';
import { ensureMembershipSchema, idSchema } from '../memberships/membership-requests.schema';
import { RemoveUserUseCase } from '../memberships/remove-user.usecase';

const userRegisteredSchema = ensureMembershipSchema;
const userDeletedSchema = z.object({ userId: idSchema });

/**
 * Keeps memberships in step with identity from its durable JetStream events: an invitations
 * service that was down catches up on start. Handlers are idempotent (delivery is at least once);
 * a handler that fails for a passing reason (database down) is retried by the consumer.
 */
@Injectable()
export class IdentityEventsConsumer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(IdentityEventsConsumer.name);
  private subscriptions: DurableSubscription[] = [];

  constructor(
    private readonly bus: BusClient,
    private readonly ensureMembership: EnsureMembershipUseCase,
    private readonly removeUser: RemoveUserUseCase,
  ) {}

  async start(): Promise<void> {
    if (this.subscriptions.length) return;
    this.subscriptions = [
      await this.consume('invitations-user-registered', IdentityEvents.userRegistered, async (payload) => {
        const event = parseEvent(userRegisteredSchema, payload, IdentityEvents.userRegistered, this.logger);
        if (!event) return;
        try {
          await this.ensureMembership.execute(event);
        } catch (error) {
          // The user was deleted meanwhile, or the organization never existed: retrying cannot help.
          if (!(error instanceof ServiceError && error.code === ErrorCode.NotFound)) throw error;
          this.logger.warn({ userId: event.userId, reason: error.message }, 'Registration event skipped');
        }
      }),
      await this.consume('invitations-user-deleted', IdentityEvents.userDeleted, async (payload) => {
        const event = parseEvent(userDeletedSchema, payload, IdentityEvents.userDeleted, this.logger);
        if (event) await this.removeUser.execute(event.userId);
      }),
    ];
  }

  /** Before the bus client drains: no message is taken that could not be acknowledged. */
  async beforeApplicationShutdown(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
  }

  private async consume<C extends EventContract<unknown>>(
    durableName: string,
    contract: C,
    handler: (payload: PayloadOf<C>) => Promise<void>,
  ): Promise<DurableSubscription> {
    const spec = { stream: IdentityEvents.stream, subjects: IdentityEvents.subjects };
    return consumeDurably(await this.bus.nats(), spec, durableName, contract, handler);
  }
}
