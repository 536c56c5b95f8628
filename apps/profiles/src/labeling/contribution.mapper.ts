import { ProjectRefDto } from '@app/contracts';
import { LabelingProjectEntity } from './labeling-project.entity';

/** `{id, title}` as Label Studio's People page lists a project (a blank title stays blank). */
export function toProjectRef(project: LabelingProjectEntity): ProjectRefDto {
  return { id: project.projectId, title: project.title ?? '' };
}
