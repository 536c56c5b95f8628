import { z } from 'zod';

/** Label Studio's ids are Postgres `integer`s; anything larger could not be stored. */
const id = z.number().int().positive().max(2_147_483_647);

const base = {
  eventId: z.string().trim().min(1).max(200),
  // Kept as text: Postgres reads it with its full precision (a JS Date would cut microseconds,
  // which decide between two title updates of the same millisecond).
  occurredAt: z.string().datetime({ offset: true }),
};

/** Label Studio caps titles at 50 characters; a longer one is kept, up to a sane bound. */
const title = z.string().max(1000);

export const projectCreatedSchema = z.object({
  ...base,
  projectId: id,
  organizationId: id,
  title,
  createdBy: id,
});
export const projectUpdatedSchema = z.object({ ...base, projectId: id, title });
export const projectDeletedSchema = z.object({ ...base, projectId: id });
export const annotationCreatedSchema = z.object({
  ...base,
  annotationId: id,
  projectId: id,
  completedBy: id,
});
export const annotationDeletedSchema = z.object({ ...base, annotationId: id, projectId: id });

export type ProjectCreated = z.infer<typeof projectCreatedSchema>;
export type ProjectUpdated = z.infer<typeof projectUpdatedSchema>;
export type ProjectDeleted = z.infer<typeof projectDeletedSchema>;
export type AnnotationCreated = z.infer<typeof annotationCreatedSchema>;
export type AnnotationDeleted = z.infer<typeof annotationDeletedSchema>;
