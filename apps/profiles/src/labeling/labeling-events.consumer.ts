import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { LabelingEvents } from '@app/contracts';
import { BusClient, DurableConsumerGroup } from '@app/bus';
import { RecordLabelingEventUseCase } from './record-labeling-event.usecase';

/**
 * Keeps the projects-and-annotations read model in step with the labeling backend's durable
 * JetStream events (stream `LABELING`): a profiles service that was down catches up on start.
 * One durable consumer per event type; the use-case makes their order irrelevant.
 */
@Injectable()
export class LabelingEventsConsumer implements BeforeApplicationShutdown {
  private readonly consumers: DurableConsumerGroup;

  constructor(
    private readonly bus: BusClient,
    private readonly record: RecordLabelingEventUseCase,
  ) {
    this.consumers = new DurableConsumerGroup(bus.settings);
  }

  async start(): Promise<void> {
    if (this.consumers.started) return;
    const nc = await this.bus.nats();
    await this.consumers.add(nc, LabelingEvents.projectCreated, (e) => this.record.projectCreated(e));
    await this.consumers.add(nc, LabelingEvents.projectUpdated, (e) => this.record.projectUpdated(e));
    await this.consumers.add(nc, LabelingEvents.projectDeleted, (e) => this.record.projectDeleted(e));
    await this.consumers.add(nc, LabelingEvents.annotationCreated, (e) => this.record.annotationCreated(e));
    await this.consumers.add(nc, LabelingEvents.annotationDeleted, (e) => this.record.annotationDeleted(e));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumers.stop();
  }
}
