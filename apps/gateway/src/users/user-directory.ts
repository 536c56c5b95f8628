import { Inject, Injectable } from '@nestjs/common';
import {
  AccountDto,
  ErrorCode,
  IdentitySubjects,
  InvitationsSubjects,
  MemberDto,
  MembershipContextDto,
  PrincipalDto,
  ProfileDto,
  ProfilesSubjects,
} from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { ApiError, notFound } from '../errors/api-error';
import { GatewayReadModel, OrderedMembers } from '../read-model/gateway-read-model';
import { renderUser, UserJson } from '@app/representation';

export const NO_USER = 'No User matches the given query.';
export const NO_ORGANIZATION = 'No Organization matches the given query.';

/** A list request over the bus names at most this many users (a NATS message is at most 1 MB). */
const BATCH = 1000;

/**
 * Users as the gateway renders them: from its read model (accounts, profiles, memberships in
 * memory), asking identity, profiles and invitations only for what the model does not hold yet
 * (a user created a moment ago on another replica, or a model not caught up after start).
 */
@Injectable()
export class UserDirectory {
  constructor(
    private readonly bus: BusClient,
    private readonly model: GatewayReadModel,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async context(userId: number): Promise<MembershipContextDto> {
    return (
      this.model.context(userId) ??
      this.bus.request(InvitationsSubjects.getContext, { userId }, { caller: userId })
    );
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
    const known = this.model.member(organizationId, userId);
    if (known && this.model.membersOf(organizationId, callerId) instanceof Array) return known;
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

  /**
   * Every member of an organization the caller has a membership row in (Label Studio looks the
   * organization up among the caller's); 404 otherwise.
   */
  async members(organizationId: number, callerId: number): Promise<MemberDto[]> {
    const known = this.model.membersOf(organizationId, callerId);
    if (known === 'not-a-member') throw notFound(NO_ORGANIZATION);
    if (known) return known;
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

  /**
   * The People page's members in order, from the read model (404 as `members` when the caller has
   * no membership row there); undefined when only the owners can list them.
   */
  orderedMembers(organizationId: number, callerId: number): OrderedMembers | undefined {
    const known = this.model.orderedMembers(organizationId, callerId);
    if (known === 'not-a-member') throw notFound(NO_ORGANIZATION);
    return known;
  }

  /** Accounts by id; the ones that no longer exist are absent. */
  accounts(userIds: number[], callerId: number): Promise<Map<number, AccountDto>> {
    return this.byId(
      userIds,
      (id) => this.model.account(id),
      (batch) => this.bus.request(IdentitySubjects.listAccounts, { userIds: batch }, { caller: callerId }),
      (account) => account.id,
    );
  }

  /** Renders users in the order of `members`; accounts that no longer exist are left out. */
  async render(
    members: Array<Pick<MemberDto, 'userId' | 'deletedAt'>>,
    callerId: number,
  ): Promise<UserJson[]> {
    if (members.length === 0) return [];
    const userIds = members.map((m) => m.userId);
    const [accounts, profiles, contexts] = await Promise.all([
      this.accounts(userIds, callerId),
      this.profiles(userIds, callerId),
      this.contexts(userIds, callerId),
    ]);
    const users: UserJson[] = [];
    for (const member of members) {
      const account = accounts.get(member.userId);
      if (!account) continue;
      users.push(
        renderUser(account, profiles.get(member.userId), contexts.get(member.userId), {
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
   * The caller themself (whoami): the account came with the authentication; profile and
   * organization from the read model (asked of profiles and invitations only when it has neither).
   */
  async renderSelf(caller: PrincipalDto): Promise<UserJson> {
    const userId = caller.userId;
    const [profiles, context] = await Promise.all([this.profiles([userId], userId), this.context(userId)]);
    return renderUser(caller.account, profiles.get(userId), context, { publicHost: this.config.publicHost });
  }

  /** The same as `renderSelf` when the read model holds the caller's profile and organization. */
  renderSelfFromMemory(caller: PrincipalDto): UserJson | undefined {
    const profile = this.model.profile(caller.userId);
    const context = this.model.context(caller.userId);
    if (!profile || !context) return undefined;
    return renderUser(caller.account, profile, context, { publicHost: this.config.publicHost });
  }

  private profiles(userIds: number[], callerId: number): Promise<Map<number, ProfileDto>> {
    return this.byId(
      userIds,
      (id) => this.model.profile(id),
      (batch) => this.bus.request(ProfilesSubjects.listProfiles, { userIds: batch }, { caller: callerId }),
      (profile) => profile.userId,
    );
  }

  private contexts(userIds: number[], callerId: number): Promise<Map<number, MembershipContextDto>> {
    return this.byId(
      userIds,
      (id) => this.model.context(id),
      (batch) => this.bus.request(InvitationsSubjects.listContexts, { userIds: batch }, { caller: callerId }),
      (context) => context.userId,
    );
  }

  /** From the read model where it has them; the rest from their owner, at most BATCH ids a request. */
  private async byId<T>(
    userIds: number[],
    fromModel: (id: number) => T | undefined,
    fromOwner: (batch: number[]) => Promise<T[]>,
    idOf: (value: T) => number,
  ): Promise<Map<number, T>> {
    const found = new Map<number, T>();
    const missing: number[] = [];
    for (const id of userIds) {
      const value = fromModel(id);
      if (value) found.set(id, value);
      else missing.push(id);
    }
    for (let i = 0; i < missing.length; i += BATCH) {
      for (const value of await fromOwner(missing.slice(i, i + BATCH))) found.set(idOf(value), value);
    }
    return found;
  }
}
