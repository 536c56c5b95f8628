import {
  AnnotationCreatedEvent,
  AnnotationDeletedEvent,
  ProjectCreatedEvent,
  ProjectDeletedEvent,
  ProjectUpdatedEvent,
} from '@app/contracts';

/** The labeling backend's events as the read model applies them (validated against their contracts). */
export type ProjectCreated = ProjectCreatedEvent;
export type ProjectUpdated = ProjectUpdatedEvent;
export type ProjectDeleted = ProjectDeletedEvent;
export type AnnotationCreated = AnnotationCreatedEvent;
export type AnnotationDeleted = AnnotationDeletedEvent;
