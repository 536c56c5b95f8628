import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read model of the labeling backend's projects and annotations (People page lists). Rows are
 * written by events that may arrive in any order, so every column an event fills is nullable: a
 * row can start as a tombstone (deleted before its creation arrived) or as a title update.
 */
export class LabelingReadModel1767830400000 implements MigrationInterface {
  name = 'LabelingReadModel1767830400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE labeling_project (
        project_id integer PRIMARY KEY CHECK (project_id > 0),
        organization_id integer,
        created_by integer,
        created_at timestamptz,
        title text,
        title_occurred_at timestamptz,
        title_event_id text,
        deleted_at timestamptz
      )
    `);
    await queryRunner.query(`
      CREATE INDEX labeling_project_created_by_idx ON labeling_project (organization_id, created_by, project_id)
      WHERE deleted_at IS NULL
    `);
    await queryRunner.query(`
      CREATE TABLE labeling_annotation (
        annotation_id integer PRIMARY KEY CHECK (annotation_id > 0),
        project_id integer NOT NULL,
        completed_by integer,
        created_at timestamptz,
        deleted_at timestamptz
      )
    `);
    await queryRunner.query(`
      CREATE INDEX labeling_annotation_completed_by_idx ON labeling_annotation (completed_by, project_id)
      WHERE deleted_at IS NULL
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE labeling_annotation');
    await queryRunner.query('DROP TABLE labeling_project');
  }
}
