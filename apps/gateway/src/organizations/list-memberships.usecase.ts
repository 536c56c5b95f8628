import { Injectable } from '@nestjs/common';
import { AccountDto, ErrorCode, IdentitySubjects, InvitationsSubjects, MemberDto } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { notFound } from '../errors/api-error';
import { UserDirectory } from '../users/user-directory';
import { UserJson } from '@app/representation';
import { pageEnvelope, pageSizeOf, paginate } from './pagination';

export const NO_ORGANIZATION = 'No Organization matches the given query.';

/** Identity, profiles and invitations take at most 1000 ids per list request. */
const BATCH = 500;

/** `created_projects` / `contributed_to_projects`: null unless asked for; projects come later, so []. */
export type ProjectList = Array<{ id: number; title: string }> | null;

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
    projects: () => ProjectList,
  ) {
    const members = await this.membersOf(organizationId, callerId);
    const accounts = await this.accountsOf(
      members.map((m) => m.userId),
      callerId,
    );
    // An account deleted a moment ago may still have its row here: it is not listed (nor counted).
    const listed = members
      .filter((m) => accounts.has(m.userId))
      .sort((a, b) => {
        const byName = accounts.get(a.userId)!.username.localeCompare(accounts.get(b.userId)!.username, 'en');
        return byName || a.userId - b.userId;
      });
    const page = paginate(listed, query.page, pageSizeOf(query.page_size));
    const users = await this.render(page.items, callerId);
    const results = page.items.flatMap((member) => {
      const user = users.get(member.userId);
      if (!user) return [];
      return [
        {
          id: member.id,
          organization: member.organizationId,
          user: { ...user, created_projects: projects(), contributed_to_projects: projects() },
          created_projects: projects(),
          contributed_to_projects: projects(),
        },
      ];
    });
    return pageEnvelope(page, requestUrl, results);
  }

  /** Label Studio looks the organization up among the caller's (any membership row): else 404. */
  private async membersOf(organizationId: number, callerId: number): Promise<MemberDto[]> {
    try {
      return await this.bus.request(
        InvitationsSubjects.listMembers,
        { organizationId },
        { caller: callerId },
      );
    } catch (error) {
      if (error instanceof BusError && error.code === ErrorCode.NotFound) throw notFound(NO_ORGANIZATION);
      throw error;
    }
  }

  private async accountsOf(userIds: number[], callerId: number): Promise<Map<number, AccountDto>> {
    const found = new Map<number, AccountDto>();
    for (const batch of batches(userIds)) {
      const accounts = await this.bus.request(
        IdentitySubjects.listAccounts,
        { userIds: batch },
        { caller: callerId },
      );
      for (const account of accounts) found.set(account.id, account);
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
