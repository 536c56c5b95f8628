import { Injectable } from '@nestjs/common';
import { ContributionCountsDto, CountContributionsRequest } from '@app/contracts';
import { LabelingRepository } from './labeling.repository';

/** The membership detail's `contributed_projects_count` and `annotations_count` for one organization. */
@Injectable()
export class CountContributionsUseCase {
  constructor(private readonly labeling: LabelingRepository) {}

  async execute(request: CountContributionsRequest): Promise<ContributionCountsDto> {
    const counts = await this.labeling.contributionCounts(request.organizationId, request.userId);
    return { contributedProjectsCount: counts.projects, annotationsCount: counts.annotations };
  }
}
