import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A project of the labeling backend, as its events describe it. Only `projectId` is certain: a
 * row may exist because a title update or the deletion arrived before the creation.
 */
@Entity({ name: 'labeling_project' })
export class LabelingProjectEntity {
  @PrimaryColumn({ type: 'integer', name: 'project_id' })
  projectId!: number;

  /** Null until `project.created` has been handled. */
  @Column({ type: 'integer', name: 'organization_id', nullable: true })
  organizationId!: number | null;

  @Column({ type: 'integer', name: 'created_by', nullable: true })
  createdBy!: number | null;

  @Column({ type: 'timestamptz', name: 'created_at', nullable: true })
  createdAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  title!: string | null;

  /** When the title was set, and by which event: the newest (`occurredAt`, then event id) wins. */
  @Column({ type: 'timestamptz', name: 'title_occurred_at', nullable: true })
  titleOccurredAt!: Date | null;

  @Column({ type: 'text', name: 'title_event_id', nullable: true })
  titleEventId!: string | null;

  /** The tombstone: a deleted project stays deleted, whatever arrives later. */
  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;
}
