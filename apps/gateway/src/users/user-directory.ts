import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  IdentitySubjects,
  InvitationsSubjects,
  MemberDto,
  MembershipContextDto,
  PrincipalDto,
  ProfilesSubjects,
} from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { ApiError, notFound } from '../errors/api-error';
import { renderUser, UserJson } from '@app/representation';

export const NO_USER = 'No User matches the given query.';

/** Composes users from identity, profiles and invitations; asks the three in parallel. */
@Injectable()
export class UserDirectory {
  constructor(
    private readonly bus: BusClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  context(userId: number): Promise<MembershipContextDto> {
    return this.bus.request(InvitationsSubjects.getContext, { userId }, { caller: userId });
  }

  /** The caller's active organization id; a caller without one sees nobody. */
  async activeOrganizationId(callerId: number): Promise<number> {
    const ctx = await this.context(callerId);
    if (!ctx.activeOrganization) throw new ApiError(404, NO_USER);
    return ctx.activeOrganization.id;
  }

  /** The membership of `userId` in `organizationId`, or 404 (by default as if the user did not exist). */
  async member(
    organizationId: number,
    userId: number,
    callerId: number,
    notFoundDetail = NO_USER,
  ): Promise<MemberDto> {
    try {
      return await this.bus.request(
        InvitationsSubjects.getMember,
        { organizationId, userId },
        { caller: callerId },
      );
    } catch (error) {
      if (error instanceof BusError && error.code === ErrorCode.NotFound) throw notFound(notFoundDetail);
      throw error;
    }
  }

  async members(organizationId: number, callerId: number): Promise<MemberDto[]> {
    return this.bus.request(InvitationsSubjects.listMembers, { organizationId }, { caller: callerId });
  }

  /** Renders users in the order of `members`; accounts that no longer exist are left out. */
  async render(
    members: Array<Pick<MemberDto, 'userId' | 'deletedAt'>>,
    callerId: number,
  ): Promise<UserJson[]> {
    if (members.length === 0) return [];
    const userIds = members.map((m) => m.userId);
    const [accounts, profiles, contexts] = await Promise.all([
      this.bus.request(IdentitySubjects.listAccounts, { userIds }, { caller: callerId }),
      this.bus.request(ProfilesSubjects.listProfiles, { userIds }, { caller: callerId }),
      this.bus.request(InvitationsSubjects.listContexts, { userIds }, { caller: callerId }),
    ]);
    const accountById = new Map(accounts.map((a) => [a.id, a]));
    const profileById = new Map(profiles.map((p) => [p.userId, p]));
    const contextById = new Map(contexts.map((c) => [c.userId, c]));
    const users: UserJson[] = [];
    for (const member of members) {
      const account = accountById.get(member.userId);
      if (!account) continue;
      users.push(
        renderUser(account, profileById.get(member.userId), contextById.get(member.userId), {
          publicHost: this.config.publicHost,
          deleted: member.deletedAt !== null,
        }),
      );
    }
    return users;
  }

  /** One user as the caller sees it (404 unless a member of the caller's organization). */
  async renderOne(userId: number, callerId: number): Promise<UserJson> {
    const organizationId = await this.activeOrganizationId(callerId);
    const member = await this.member(organizationId, userId, callerId);
    const [user] = await this.render([member], callerId);
    if (!user) throw notFound(NO_USER);
    return user;
  }

  /**
   * The caller themself (whoami). The account came with the authentication reply; profile and
   * organization are read in parallel: two sequential hops in all, no membership lookup.
   */
  async renderSelf(caller: PrincipalDto): Promise<UserJson> {
    const userId = caller.userId;
    const [profiles, context] = await Promise.all([
      this.bus.request(ProfilesSubjects.listProfiles, { userIds: [userId] }, { caller: userId }),
      this.context(userId),
    ]);
    return renderUser(caller.account, profiles[0], context, { publicHost: this.config.publicHost });
  }
}
