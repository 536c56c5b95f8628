import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LabelingProjectEntity } from './labeling-project.entity';
import {
  AnnotationCreated,
  AnnotationDeleted,
  ProjectCreated,
  ProjectDeleted,
  ProjectUpdated,
} from './labeling-events';

interface ProjectRow {
  project_id: number;
  organization_id: number | null;
  created_by: number | null;
  created_at: Date | null;
  title: string | null;
  title_occurred_at: Date | null;
  title_event_id: string | null;
  deleted_at: Date | null;
}

export interface Contribution {
  userId: number;
  project: LabelingProjectEntity;
}

export interface ContributionCounts {
  projects: number;
  annotations: number;
}

/** Whether the incoming title (EXCLUDED) is newer than the stored one (p). */
const INCOMING_TITLE_IS_NEWER = `(p.title_occurred_at IS NULL
  OR (EXCLUDED.title_occurred_at, EXCLUDED.title_event_id) > (p.title_occurred_at, p.title_event_id))`;

/**
 * Takes the incoming title when it is newer: later `occurredAt`, and for equal times the greater
 * event id, so the outcome does not depend on the order of arrival.
 */
const TAKE_TITLE_IF_NEWER = `
  title = CASE WHEN ${INCOMING_TITLE_IS_NEWER} THEN EXCLUDED.title ELSE p.title END,
  title_event_id = CASE WHEN ${INCOMING_TITLE_IS_NEWER} THEN EXCLUDED.title_event_id ELSE p.title_event_id END,
  title_occurred_at = CASE WHEN ${INCOMING_TITLE_IS_NEWER}
    THEN EXCLUDED.title_occurred_at ELSE p.title_occurred_at END`;

/** A project counts while it is created (so has an organization) and not deleted. */
const LIVE_PROJECT_OF_ORGANIZATION = 'p.organization_id = $1 AND p.deleted_at IS NULL';

/**
 * The read model of projects and annotations. Every write is one upsert that commutes with the
 * others: a repeated event changes nothing, and whatever order events of one project or
 * annotation arrive in, the rows end the same. Deletions are kept as tombstones (ids are never
 * reused by the labeling backend), so a late creation cannot bring anything back.
 */
@Injectable()
export class LabelingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The first creation sets organization and creator; the title follows the newest-wins rule. */
  async recordProjectCreated(event: ProjectCreated): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO labeling_project AS p
         (project_id, organization_id, created_by, created_at, title, title_occurred_at, title_event_id)
       VALUES ($1, $2, $3, $4::timestamptz, $5, $4::timestamptz, $6)
       ON CONFLICT (project_id) DO UPDATE SET
         organization_id = COALESCE(p.organization_id, EXCLUDED.organization_id),
         created_by = COALESCE(p.created_by, EXCLUDED.created_by),
         created_at = COALESCE(p.created_at, EXCLUDED.created_at),
         ${TAKE_TITLE_IF_NEWER}`,
      [event.projectId, event.organizationId, event.createdBy, event.occurredAt, event.title, event.eventId],
    );
  }

  /** An update that arrives before the creation is kept: the creation will not override it if older. */
  async recordProjectUpdated(event: ProjectUpdated): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO labeling_project AS p (project_id, title, title_occurred_at, title_event_id)
       VALUES ($1, $2, $3::timestamptz, $4)
       ON CONFLICT (project_id) DO UPDATE SET ${TAKE_TITLE_IF_NEWER}`,
      [event.projectId, event.title, event.occurredAt, event.eventId],
    );
  }

  async recordProjectDeleted(event: ProjectDeleted): Promise<void> {
    // LEAST ignores nulls: the earliest deletion time is kept.
    await this.dataSource.query(
      `INSERT INTO labeling_project AS p (project_id, deleted_at) VALUES ($1, $2::timestamptz)
       ON CONFLICT (project_id) DO UPDATE SET deleted_at = LEAST(p.deleted_at, EXCLUDED.deleted_at)`,
      [event.projectId, event.occurredAt],
    );
  }

  async recordAnnotationCreated(event: AnnotationCreated): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO labeling_annotation AS a (annotation_id, project_id, completed_by, created_at)
       VALUES ($1, $2, $3, $4::timestamptz)
       ON CONFLICT (annotation_id) DO UPDATE SET
         completed_by = COALESCE(a.completed_by, EXCLUDED.completed_by),
         created_at = COALESCE(a.created_at, EXCLUDED.created_at)`,
      [event.annotationId, event.projectId, event.completedBy, event.occurredAt],
    );
  }

  async recordAnnotationDeleted(event: AnnotationDeleted): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO labeling_annotation AS a (annotation_id, project_id, deleted_at) VALUES ($1, $2, $3::timestamptz)
       ON CONFLICT (annotation_id) DO UPDATE SET deleted_at = LEAST(a.deleted_at, EXCLUDED.deleted_at)`,
      [event.annotationId, event.projectId, event.occurredAt],
    );
  }

  /** Live projects of the organization created by each user, by project id; at most `limit` per user. */
  async createdProjects(organizationId: number, userIds: number[], limit?: number): Promise<Contribution[]> {
    if (userIds.length === 0) return [];
    const rows: Array<ProjectRow & { nth: string }> = await this.dataSource.query(
      `SELECT * FROM (
         SELECT p.*, row_number() OVER (PARTITION BY p.created_by ORDER BY p.project_id) AS nth
         FROM labeling_project p
         WHERE ${LIVE_PROJECT_OF_ORGANIZATION} AND p.created_by = ANY($2::integer[])
       ) ranked
       WHERE $3::bigint IS NULL OR nth <= $3::bigint
       ORDER BY created_by, project_id`,
      [organizationId, userIds, limit ?? null],
    );
    return rows.map((row) => ({ userId: row.created_by!, project: toEntity(row) }));
  }

  /**
   * Live projects of the organization in which each user has at least one live annotation, by
   * project id; at most `limit` per user.
   */
  async contributedProjects(
    organizationId: number,
    userIds: number[],
    limit?: number,
  ): Promise<Contribution[]> {
    if (userIds.length === 0) return [];
    const rows: Array<ProjectRow & { user_id: number }> = await this.dataSource.query(
      `SELECT * FROM (
         SELECT contributed.*,
                row_number() OVER (PARTITION BY contributed.user_id ORDER BY contributed.project_id) AS nth
         FROM (
           SELECT DISTINCT a.completed_by AS user_id, p.*
           FROM labeling_annotation a
           JOIN labeling_project p ON p.project_id = a.project_id
           WHERE ${LIVE_PROJECT_OF_ORGANIZATION}
             AND a.deleted_at IS NULL AND a.completed_by = ANY($2::integer[])
         ) contributed
       ) ranked
       WHERE $3::bigint IS NULL OR nth <= $3::bigint
       ORDER BY user_id, project_id`,
      [organizationId, userIds, limit ?? null],
    );
    return rows.map((row) => ({ userId: row.user_id, project: toEntity(row) }));
  }

  /** Distinct live projects of the organization the user annotated in, and their live annotations. */
  async contributionCounts(organizationId: number, userId: number): Promise<ContributionCounts> {
    const [row]: Array<{ projects: number; annotations: number }> = await this.dataSource.query(
      `SELECT count(DISTINCT a.project_id)::int AS projects, count(*)::int AS annotations
       FROM labeling_annotation a
       JOIN labeling_project p ON p.project_id = a.project_id
       WHERE ${LIVE_PROJECT_OF_ORGANIZATION} AND a.deleted_at IS NULL AND a.completed_by = $2`,
      [organizationId, userId],
    );
    return { projects: row.projects, annotations: row.annotations };
  }
}

function toEntity(row: ProjectRow): LabelingProjectEntity {
  return Object.assign(new LabelingProjectEntity(), {
    projectId: row.project_id,
    organizationId: row.organization_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    title: row.title,
    titleOccurredAt: row.title_occurred_at,
    titleEventId: row.title_event_id,
    deletedAt: row.deleted_at,
  });
}
