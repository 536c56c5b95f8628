import { Injectable } from '@nestjs/common';
import { ContributionsDto, ListContributionsRequest, ProjectRefDto } from '@app/contracts';
import { toProjectRef } from './contribution.mapper';
import { Contribution, LabelingRepository } from './labeling.repository';

/**
 * The People page's `created_projects` / `contributed_to_projects` (Label Studio's
 * `OrganizationMemberListSerializer`), for one organization: one entry per requested user id, in
 * the order asked, lists ordered by project id (Label Studio leaves the order to the database).
 */
@Injectable()
export class ListContributionsUseCase {
  constructor(private readonly labeling: LabelingRepository) {}

  async execute(request: ListContributionsRequest): Promise<ContributionsDto[]> {
    const userIds = [...new Set(request.userIds)];
    const [created, contributed] = await Promise.all([
      this.labeling.createdProjects(request.organizationId, userIds, request.limit),
      this.labeling.contributedProjects(request.organizationId, userIds, request.limit),
    ]);
    const createdBy = byUser(created);
    const contributedBy = byUser(contributed);
    return request.userIds.map((userId) => ({
      userId,
      createdProjects: createdBy.get(userId) ?? [],
      contributedToProjects: contributedBy.get(userId) ?? [],
    }));
  }
}

function byUser(contributions: Contribution[]): Map<number, ProjectRefDto[]> {
  const lists = new Map<number, ProjectRefDto[]>();
  for (const { userId, project } of contributions) {
    const list = lists.get(userId) ?? [];
    list.push(toProjectRef(project));
    lists.set(userId, list);
  }
  return lists;
}
