import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { IdentityEvents } from '@app/contracts';
import { BusClient, DurableConsumerGroup, parseEvent } from '@app/bus';
import { EnsureProfileUseCase } from '../profiles/ensure-profile.usecase';
import { RecordActivityUseCase } from '../profiles/record-activity.usecase';
import { RemoveProfileUseCase } from '../profiles/remove-profile.usecase';
import { userIdSchema } from '../profiles/profile-requests.schema';

const occurredAt = z
  .string()
  .datetime({ offset: true })
  .transform((value) => new Date(value));

const userRegisteredSchema = z.object({
  userId: userIdSchema,
  allowNewsletters: z.boolean().nullable().default(null),
  occurredAt,
});
const userEventSchema = z.object({ userId: userIdSchema, occurredAt });

/**
 * Keeps profiles in step with identity from its durable JetStream events: a profiles service that
 * was down catches up on start. Every handler is idempotent (delivery is at least once) and a
 * failing one is retried by the consumer.
 */
@Injectable()
export class IdentityEventsConsumer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(IdentityEventsConsumer.name);
  private readonly consumers = new DurableConsumerGroup({
    stream: IdentityEvents.stream,
    subjects: IdentityEvents.subjects,
  });

  constructor(
    private readonly bus: BusClient,
    private readonly ensureProfile: EnsureProfileUseCase,
    private readonly removeProfile: RemoveProfileUseCase,
    private readonly recordActivity: RecordActivityUseCase,
  ) {}

  async start(): Promise<void> {
    if (this.consumers.started) return;
    const nc = await this.bus.nats();
    await this.consumers.add(
      nc,
      'profiles-user-registered',
      IdentityEvents.userRegistered,
      async (payload) => {
        const event = parseEvent(userRegisteredSchema, payload, IdentityEvents.userRegistered, this.logger);
        if (!event) return;
        const created = await this.ensureProfile.onRegistered({
          userId: event.userId,
          allowNewsletters: event.allowNewsletters,
          registeredAt: event.occurredAt,
        });
        if (!created) this.logger.log(`User ${event.userId} was removed after registering; no profile made`);
      },
    );
    await this.consumers.add(nc, 'profiles-user-deleted', IdentityEvents.userDeleted, async (payload) => {
      const event = parseEvent(userEventSchema, payload, IdentityEvents.userDeleted, this.logger);
      if (event) await this.removeProfile.execute(event.userId, event.occurredAt);
    });
    await this.consumers.add(nc, 'profiles-user-logged-in', IdentityEvents.userLoggedIn, async (payload) => {
      const event = parseEvent(userEventSchema, payload, IdentityEvents.userLoggedIn, this.logger);
      if (event && !(await this.recordActivity.execute(event.userId, event.occurredAt))) {
        this.logger.log(`User ${event.userId} was removed after logging in; activity ignored`);
      }
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumers.stop();
  }
}
