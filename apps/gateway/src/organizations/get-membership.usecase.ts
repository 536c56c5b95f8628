import { Injectable } from '@nestjs/common';
import { ProfilesSubjects } from '@app/contracts';
import { BusClient } from '@app/bus';
import { forbidden } from '../errors/api-error';
import { UserDirectory } from '../users/user-directory';
import { DETAIL_PROJECT_LIMIT, NOT_REQUESTED, renderProjectLists } from './project-lists';

const NO_MEMBER = 'No OrganizationMember matches the given query.';

/** The first failure in the order given, else the values: a missing member outranks a profiles outage. */
function valueOf<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/**
 * `GET /api/organizations/{id}/memberships/{user_id}/` (Label Studio's `OrganizationMemberDetailAPI`):
 * only from within the organization the caller has active (`OrganizationMemberMixin`). The counts
 * are always computed for that organization; the project lists only when asked for, at most 100.
 */
@Injectable()
export class GetMembershipUseCase {
  constructor(
    private readonly bus: BusClient,
    private readonly directory: UserDirectory,
  ) {}

  async execute(organizationId: number, userId: number, callerId: number, projectListsRequested: boolean) {
    const context = await this.directory.context(callerId);
    if (context.activeOrganization?.id !== organizationId) throw forbidden();
    // Asked together: one hop instead of two.
    const [member, counts, lists] = await Promise.allSettled([
      this.directory.member(organizationId, userId, callerId, NO_MEMBER),
      this.bus.request(ProfilesSubjects.countContributions, { organizationId, userId }, { caller: callerId }),
      projectListsRequested
        ? this.bus.request(
            ProfilesSubjects.listContributions,
            { organizationId, userIds: [userId], limit: DETAIL_PROJECT_LIMIT },
            { caller: callerId },
          )
        : Promise.resolve(null),
    ]);
    const found = valueOf(member);
    const { contributedProjectsCount, annotationsCount } = valueOf(counts);
    const contributions = valueOf(lists);
    return {
      user: found.userId,
      organization: found.organizationId,
      contributed_projects_count: contributedProjectsCount,
      annotations_count: annotationsCount,
      created_at: found.createdAt,
      ...(contributions ? renderProjectLists(contributions[0]) : NOT_REQUESTED),
    };
  }
}
