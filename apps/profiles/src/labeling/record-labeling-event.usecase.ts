import { Injectable } from '@nestjs/common';
import { LabelingRepository } from './labeling.repository';
import {
  AnnotationCreated,
  AnnotationDeleted,
  ProjectCreated,
  ProjectDeleted,
  ProjectUpdated,
} from './labeling-events';

/**
 * Applies the labeling backend's facts to the read model. Each event type has its own durable
 * consumer, so after an outage they are handled in any order: an annotation before its project
 * (not counted until the project is known), a deletion before the creation (the tombstone wins),
 * an old title after a newer one (the newest `occurredAt` wins). Redeliveries change nothing.
 */
@Injectable()
export class RecordLabelingEventUseCase {
  constructor(private readonly labeling: LabelingRepository) {}

  projectCreated(event: ProjectCreated): Promise<void> {
    return this.labeling.recordProjectCreated(event);
  }

  projectUpdated(event: ProjectUpdated): Promise<void> {
    return this.labeling.recordProjectUpdated(event);
  }

  projectDeleted(event: ProjectDeleted): Promise<void> {
    return this.labeling.recordProjectDeleted(event);
  }

  annotationCreated(event: AnnotationCreated): Promise<void> {
    return this.labeling.recordAnnotationCreated(event);
  }

  annotationDeleted(event: AnnotationDeleted): Promise<void> {
    return this.labeling.recordAnnotationDeleted(event);
  }
}
