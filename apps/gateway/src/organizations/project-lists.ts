import { ContributionsDto, ProjectRefDto } from '@app/contracts';

/** `created_projects` / `contributed_to_projects`: `[{id, title}]`, or null unless asked for. */
export type ProjectList = Array<{ id: number; title: string }> | null;

export interface ProjectLists {
  created_projects: ProjectList;
  contributed_to_projects: ProjectList;
}

/** Label Studio's `OrganizationMemberSerializer` caps each list of the detail endpoint at 100. */
export const DETAIL_PROJECT_LIMIT = 100;

export const NOT_REQUESTED: ProjectLists = { created_projects: null, contributed_to_projects: null };
const NONE: ProjectLists = { created_projects: [], contributed_to_projects: [] };

const projectJson = (project: ProjectRefDto) => ({ id: project.id, title: project.title });

/** The two lists of one user; a user profiles has nothing for gets empty lists. */
export function renderProjectLists(contributions: ContributionsDto | undefined): ProjectLists {
  if (!contributions) return NONE;
  return {
    created_projects: contributions.createdProjects.map(projectJson),
    contributed_to_projects: contributions.contributedToProjects.map(projectJson),
  };
}
