import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, IdentityEvents } from '@app/contracts';
import { BusClient, DurableConsumerGroup, ServiceError } from '@app/bus';
import { EnsureMembershipUseCase } from '../memberships/ensure-membership.usecase';
import { RemoveUserUseCase } from '../memberships/remove-user.usecase';

/**
 * Keeps memberships in step with identity from its durable JetStream events: an invitations
 * service that was down catches up on start. Handlers are idempotent (delivery is at least once);
 * a handler that fails for a passing reason (database down) is retried by the consumer.
 */
@Injectable()
export class IdentityEventsConsumer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(IdentityEventsConsumer.name);
  private readonly consumers: DurableConsumerGroup;

  constructor(
    private readonly bus: BusClient,
    private readonly ensureMembership: EnsureMembershipUseCase,
    private readonly removeUser: RemoveUserUseCase,
  ) {
    this.consumers = new DurableConsumerGroup(bus.settings);
  }

  async start(): Promise<void> {
    if (this.consumers.started) return;
    const nc = await this.bus.nats();
    await this.consumers.add(nc, IdentityEvents.userRegistered, async (event) => {
      try {
        await this.ensureMembership.execute(event);
      } catch (error) {
        // The user was deleted meanwhile, or the organization never existed, or the signup's ticket
        // was refused (identity is told by the refusal event): retrying cannot help.
        const final =
          error instanceof ServiceError &&
          (error.code === ErrorCode.NotFound || error.code === ErrorCode.SignupForbidden);
        if (!final) throw error;
        this.logger.warn({ userId: event.userId, reason: error.message }, 'Registration event skipped');
      }
    });
    await this.consumers.add(nc, IdentityEvents.userDeleted, async (event) => {
      await this.removeUser.execute(event.userId);
    });
  }

  /** Before the bus client drains: no message is taken that could not be acknowledged. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumers.stop();
  }
}
