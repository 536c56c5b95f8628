import { z } from 'zod';
import { event, stream } from '../contract';
import { idSchema, isoDateSchema } from '../schemas';

/**
 * Facts a labeling backend publishes about projects and annotations. They are not ours: profiles
 * keeps a read model of them for the People page (who created which project, who contributed
 * annotations where). Published on JetStream (stream `LABELING`) with the event id as `Nats-Msg-Id`,
 * so a repeated publish within the duplicate window is dropped; consumers are idempotent anyway.
 */
const base = {
  /** Unique per fact (for example a UUID); used to deduplicate repeated publishes. */
  eventId: z.string().trim().min(1).max(200),
  // Kept as text: Postgres reads it with its full precision (a JS Date would cut microseconds,
  // which decide between two title updates of the same millisecond).
  occurredAt: isoDateSchema,
};
export interface LabelingEventBase {
  eventId: string;
  occurredAt: string;
}

/** Label Studio caps titles at 50 characters; a longer one is kept, up to a sane bound. */
const title = z.string().max(1000);

/** A project was created in an organization by a user. */
const projectCreatedSchema = z.object({
  ...base,
  projectId: idSchema,
  organizationId: idSchema,
  title,
  createdBy: idSchema,
});
/** A project's title changed (the newest `occurredAt` wins). */
const projectUpdatedSchema = z.object({ ...base, projectId: idSchema, title });
/** A project and everything in it was deleted: it disappears from every list and count. */
const projectDeletedSchema = z.object({ ...base, projectId: idSchema });
/**
 * A user submitted an annotation in a project (drafts and predictions are not published).
 * `completedBy` is the annotating user.
 */
const annotationCreatedSchema = z.object({
  ...base,
  annotationId: idSchema,
  projectId: idSchema,
  completedBy: idSchema,
});
const annotationDeletedSchema = z.object({ ...base, annotationId: idSchema, projectId: idSchema });

export type ProjectCreatedEvent = z.output<typeof projectCreatedSchema>;
export type ProjectUpdatedEvent = z.output<typeof projectUpdatedSchema>;
export type ProjectDeletedEvent = z.output<typeof projectDeletedSchema>;
export type AnnotationCreatedEvent = z.output<typeof annotationCreatedSchema>;
export type AnnotationDeletedEvent = z.output<typeof annotationDeletedSchema>;

/**
 * Profiles keeps the read model, so it owns (creates) the stream; the labeling backend only
 * publishes into it. The operator's `label-studio labeling_event` publishes too, as a development
 * aid. A labeling backend is not asked to sign its events (it is not ours to change): what lands
 * in LABELING is checked against the schema only, and names projects, never accounts.
 */
const LABELING_STREAM = stream({
  name: 'LABELING',
  subjects: 'labeling.events.>',
  owner: 'profiles',
  signed: false,
});
const PUBLISHERS = ['labeling', 'admin'] as const;

export const LabelingEvents = {
  stream: LABELING_STREAM,
  projectCreated: event({
    subject: 'labeling.events.project.created.v1',
    schema: projectCreatedSchema,
    stream: LABELING_STREAM,
    publishedBy: PUBLISHERS,
    consumers: { profiles: 'profiles-project-created' },
  }),
  projectUpdated: event({
    subject: 'labeling.events.project.updated.v1',
    schema: projectUpdatedSchema,
    stream: LABELING_STREAM,
    publishedBy: PUBLISHERS,
    consumers: { profiles: 'profiles-project-updated' },
  }),
  projectDeleted: event({
    subject: 'labeling.events.project.deleted.v1',
    schema: projectDeletedSchema,
    stream: LABELING_STREAM,
    publishedBy: PUBLISHERS,
    consumers: { profiles: 'profiles-project-deleted' },
  }),
  annotationCreated: event({
    subject: 'labeling.events.annotation.created.v1',
    schema: annotationCreatedSchema,
    stream: LABELING_STREAM,
    publishedBy: PUBLISHERS,
    consumers: { profiles: 'profiles-annotation-created' },
  }),
  annotationDeleted: event({
    subject: 'labeling.events.annotation.deleted.v1',
    schema: annotationDeletedSchema,
    stream: LABELING_STREAM,
    publishedBy: PUBLISHERS,
    consumers: { profiles: 'profiles-annotation-deleted' },
  }),
} as const;
