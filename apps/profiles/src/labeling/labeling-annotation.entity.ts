import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A submitted annotation of the labeling backend (drafts and predictions are never published). */
@Entity({ name: 'labeling_annotation' })
export class LabelingAnnotationEntity {
  @PrimaryColumn({ type: 'integer', name: 'annotation_id' })
  annotationId!: number;

  @Column({ type: 'integer', name: 'project_id' })
  projectId!: number;

  /** The annotating user; null while only the deletion has arrived. */
  @Column({ type: 'integer', name: 'completed_by', nullable: true })
  completedBy!: number | null;

  @Column({ type: 'timestamptz', name: 'created_at', nullable: true })
  createdAt!: Date | null;

  /** The tombstone: a late `annotation.created` does not bring a deleted annotation back. */
  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;
}
