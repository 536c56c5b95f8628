import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ZodTypeAny, z } from 'zod';
import { EventContract, LabelingEvents } from '@app/contracts';
import { BusClient, DurableConsumerGroup, parseEvent } from '@app/bus';
import {
  annotationCreatedSchema,
  annotationDeletedSchema,
  projectCreatedSchema,
  projectDeletedSchema,
  projectUpdatedSchema,
} from './labeling-events.schema';
import { RecordLabelingEventUseCase } from './record-labeling-event.usecase';

/** The durable consumer of each event type (their positions are what a restart resumes from). */
export const LABELING_DURABLES = {
  projectCreated: 'profiles-project-created',
  projectUpdated: 'profiles-project-updated',
  projectDeleted: 'profiles-project-deleted',
  annotationCreated: 'profiles-annotation-created',
  annotationDeleted: 'profiles-annotation-deleted',
} as const;

/**
 * Keeps the projects-and-annotations read model in step with the labeling backend's durable
 * JetStream events (stream `LABELING`): a profiles service that was down catches up on start.
 * One durable consumer per event type; the use-case makes their order irrelevant.
 */
@Injectable()
export class LabelingEventsConsumer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LabelingEventsConsumer.name);
  private readonly consumers = new DurableConsumerGroup({
    stream: LabelingEvents.stream,
    subjects: LabelingEvents.subjects,
  });

  constructor(
    private readonly bus: BusClient,
    private readonly record: RecordLabelingEventUseCase,
  ) {}

  async start(): Promise<void> {
    if (this.consumers.started) return;
    const nc = await this.bus.nats();
    const consume = async <S extends ZodTypeAny>(
      durableName: string,
      contract: EventContract<unknown>,
      schema: S,
      apply: (event: z.infer<S>) => Promise<void>,
    ) =>
      this.consumers.add(nc, durableName, contract, async (payload) => {
        const event = parseEvent(schema, payload, contract, this.logger);
        if (event) await apply(event);
      });

    await consume(
      LABELING_DURABLES.projectCreated,
      LabelingEvents.projectCreated,
      projectCreatedSchema,
      (e) => this.record.projectCreated(e),
    );
    await consume(
      LABELING_DURABLES.projectUpdated,
      LabelingEvents.projectUpdated,
      projectUpdatedSchema,
      (e) => this.record.projectUpdated(e),
    );
    await consume(
      LABELING_DURABLES.projectDeleted,
      LabelingEvents.projectDeleted,
      projectDeletedSchema,
      (e) => this.record.projectDeleted(e),
    );
    await consume(
      LABELING_DURABLES.annotationCreated,
      LabelingEvents.annotationCreated,
      annotationCreatedSchema,
      (e) => this.record.annotationCreated(e),
    );
    await consume(
      LABELING_DURABLES.annotationDeleted,
      LabelingEvents.annotationDeleted,
      annotationDeletedSchema,
      (e) => this.record.annotationDeleted(e),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumers.stop();
  }
}
