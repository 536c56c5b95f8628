import { event } from '../contract';
import { IsoDate } from '../users';

/**
 * Facts a labeling backend publishes about projects and annotations. They are not ours: profiles
 * keeps a read model of them for the People page (who created which project, who contributed
 * annotations where). Published on JetStream (stream `LABELING`) with the event id as `Nats-Msg-Id`,
 * so a repeated publish within the duplicate window is dropped; consumers are idempotent anyway.
 */
export interface LabelingEventBase {
  /** Unique per fact (for example a UUID); used to deduplicate repeated publishes. */
  eventId: string;
  occurredAt: IsoDate;
}

/** A project was created in an organization by a user. */
export interface ProjectCreatedEvent extends LabelingEventBase {
  projectId: number;
  organizationId: number;
  title: string;
  createdBy: number;
}

/** A project's title changed (the newest `occurredAt` wins). */
export interface ProjectUpdatedEvent extends LabelingEventBase {
  projectId: number;
  title: string;
}

/** A project and everything in it was deleted: it disappears from every list and count. */
export interface ProjectDeletedEvent extends LabelingEventBase {
  projectId: number;
}

/**
 * A user submitted an annotation in a project (drafts and predictions are not published).
 * `completedBy` is the annotating user.
 */
export interface AnnotationCreatedEvent extends LabelingEventBase {
  annotationId: number;
  projectId: number;
  completedBy: number;
}

export interface AnnotationDeletedEvent extends LabelingEventBase {
  annotationId: number;
  projectId: number;
}

export const LabelingEvents = {
  stream: 'LABELING',
  subjects: 'labeling.events.>',
  projectCreated: event<ProjectCreatedEvent>('labeling.events.project.created.v1'),
  projectUpdated: event<ProjectUpdatedEvent>('labeling.events.project.updated.v1'),
  projectDeleted: event<ProjectDeletedEvent>('labeling.events.project.deleted.v1'),
  annotationCreated: event<AnnotationCreatedEvent>('labeling.events.annotation.created.v1'),
  annotationDeleted: event<AnnotationDeletedEvent>('labeling.events.annotation.deleted.v1'),
} as const;
