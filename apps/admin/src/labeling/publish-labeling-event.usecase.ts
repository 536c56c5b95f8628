import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LabelingEventBase } from '@app/contracts';
import { AdminBus } from '../bus/admin-bus';
import { LabelingEventKind, labelingEventOf, LabelingEventOptions } from './labeling-event-input';

/** What the command prints: the event as published and where JetStream put it. */
export interface PublishedLabelingEvent {
  published: LabelingEventKind;
  subject: string;
  stream: string;
  seq: number;
  /** JetStream already had this event id (within its duplicate window) and dropped the repeat. */
  duplicate: boolean;
  event: LabelingEventBase;
}

/**
 * `label-studio labeling_event <kind> …`: a development aid that publishes what a labeling
 * backend would, so the People page's project lists can be tried without one. The event id is
 * the JetStream message id, so publishing the same event again is dropped.
 */
@Injectable()
export class PublishLabelingEventUseCase {
  constructor(private readonly bus: AdminBus) {}

  async execute(kind: string, options: LabelingEventOptions): Promise<PublishedLabelingEvent> {
    const message = labelingEventOf(kind, options, { now: () => new Date(), eventId: randomUUID });
    const ack = await this.bus.publish(message.contract, message.payload, message.payload.eventId);
    return {
      published: message.kind,
      subject: message.contract.subject,
      stream: ack.stream,
      seq: ack.seq,
      duplicate: ack.duplicate,
      event: message.payload,
    };
  }
}
