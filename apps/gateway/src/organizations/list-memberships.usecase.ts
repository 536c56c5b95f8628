import { Injectable } from '@nestjs/common';
import { ContributionsDto, MemberDto, ProfilesSubjects } from '@app/contracts';
import { BusClient } from '@app/bus';
import { UserDirectory } from '../users/user-directory';
import { UserJson } from '@app/representation';
import { usernameOrder } from '../read-model/member-order';
import { Page, pageEnvelope, pageSizeOf, pageWindow, paginate } from './pagination';
import { NOT_REQUESTED, ProjectLists, renderProjectLists } from './project-lists';

/** Identity, profiles and invitations take at most 1000 ids per list request. */
const BATCH = 500;

export interface MembershipsQuery {
  page?: unknown;
  page_size?: unknown;
}

function batches<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

/**
 * The People page (`GET /api/organizations/{id}/memberships`): every member, removed ones
 * included (rendered as deleted users), ordered by username like Label Studio's
 * `order_by('user__username')`, paginated like DRF's PageNumberPagination.
 */
@Injectable()
export class ListMembershipsUseCase {
  constructor(
    private readonly bus: BusClient,
    private readonly directory: UserDirectory,
  ) {}

  async execute(
    organizationId: number,
    callerId: number,
    query: MembershipsQuery,
    requestUrl: URL,
    projectListsRequested: boolean,
  ) {
    const [page, projectsOrganizationId] = await Promise.all([
      this.page(organizationId, callerId, query),
      projectListsRequested ? this.activeOrganizationOf(callerId) : null,
    ]);
    const [users, contributions] = await Promise.all([
      this.render(page.items, callerId),
      projectListsRequested ? this.contributionsOf(projectsOrganizationId, page.items, callerId) : null,
    ]);
    const results = page.items.flatMap((member) => {
      const user = users.get(member.userId);
      if (!user) return [];
      const lists: ProjectLists = contributions
        ? renderProjectLists(contributions.get(member.userId))
        : NOT_REQUESTED;
      return [
        {
          id: member.id,
          organization: member.organizationId,
          user: { ...user, ...lists },
          ...lists,
        },
      ];
    });
    return pageEnvelope(page, requestUrl, results);
  }

  /** From the read model's order (a slice), else every member asked of the owners and sorted. */
  private async page(
    organizationId: number,
    callerId: number,
    query: MembershipsQuery,
  ): Promise<Page<MemberDto>> {
    const size = pageSizeOf(query.page_size);
    const ordered = this.directory.orderedMembers(organizationId, callerId);
    if (ordered) {
      const { start, end, ...page } = pageWindow(ordered.count, query.page, size);
      return { ...page, items: ordered.slice(start, end) };
    }
    const members = await this.directory.members(organizationId, callerId);
    const accounts = await this.directory.accounts(
      members.map((m) => m.userId),
      callerId,
    );
    // An account deleted a moment ago may still have its row here: it is not listed (nor counted).
    const listed = members
      .filter((m) => accounts.has(m.userId))
      .sort((a, b) => {
        const byName = usernameOrder.compare(
          accounts.get(a.userId)!.username,
          accounts.get(b.userId)!.username,
        );
        return byName || a.userId - b.userId;
      });
    return paginate(listed, query.page, size);
  }

  /**
   * Label Studio scopes both project lists to the caller's active organization, not to the one in
   * the URL (`OrganizationMemberListAPI` filters by `request.user.active_organization`).
   */
  private async activeOrganizationOf(callerId: number): Promise<number | null> {
    const context = await this.directory.context(callerId);
    return context.activeOrganization?.id ?? null;
  }

  /** Without an active organization the caller sees no projects: every list is empty. */
  private async contributionsOf(
    organizationId: number | null,
    members: MemberDto[],
    callerId: number,
  ): Promise<Map<number, ContributionsDto>> {
    const found = new Map<number, ContributionsDto>();
    if (organizationId === null) return found;
    const userIds = members.map((m) => m.userId);
    for (const batch of batches(userIds)) {
      const replies = await this.bus.request(
        ProfilesSubjects.listContributions,
        { organizationId, userIds: batch },
        { caller: callerId },
      );
      for (const reply of replies) found.set(reply.userId, reply);
    }
    return found;
  }

  private async render(members: MemberDto[], callerId: number): Promise<Map<number, UserJson>> {
    const rendered = new Map<number, UserJson>();
    for (const batch of batches(members)) {
      for (const user of await this.directory.render(batch, callerId)) rendered.set(user.id, user);
    }
    return rendered;
  }
}
