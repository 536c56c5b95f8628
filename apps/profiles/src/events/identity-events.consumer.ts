import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { IdentityEvents } from '@app/contracts';
import { BusClient, DurableConsumerGroup } from '@app/bus';
import { EnsureProfileUseCase } from '../profiles/ensure-profile.usecase';
import { RecordActivityUseCase } from '../profiles/record-activity.usecase';
import { RemoveProfileUseCase } from '../profiles/remove-profile.usecase';

/**
 * Keeps profiles in step with identity from its durable JetStream events: a profiles service that
 * was down catches up on start. Every handler is idempotent (delivery is at least once) and a
 * failing one is retried by the consumer.
 */
@Injectable()
export class IdentityEventsConsumer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(IdentityEventsConsumer.name);
  private readonly consumers: DurableConsumerGroup;

  constructor(
    private readonly bus: BusClient,
    private readonly ensureProfile: EnsureProfileUseCase,
    private readonly removeProfile: RemoveProfileUseCase,
    private readonly recordActivity: RecordActivityUseCase,
  ) {
    this.consumers = new DurableConsumerGroup(bus.settings);
  }

  async start(): Promise<void> {
    if (this.consumers.started) return;
    const nc = await this.bus.nats();
    await this.consumers.add(nc, IdentityEvents.userRegistered, async (event) => {
      const created = await this.ensureProfile.onRegistered({
        userId: event.userId,
        allowNewsletters: event.allowNewsletters,
        registeredAt: new Date(event.occurredAt),
      });
      if (!created) this.logger.log(`User ${event.userId} was removed after registering; no profile made`);
    });
    await this.consumers.add(nc, IdentityEvents.userDeleted, async (event) => {
      await this.removeProfile.execute(event.userId, new Date(event.occurredAt));
    });
    await this.consumers.add(nc, IdentityEvents.userLoggedIn, async (event) => {
      if (!(await this.recordActivity.execute(event.userId, new Date(event.occurredAt)))) {
        this.logger.log(`User ${event.userId} was removed after logging in; activity ignored`);
      }
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumers.stop();
  }
}
