import { request, Empty } from '../contract';
import { IsoDate, OrganizationRefDto } from '../users';

export interface AuthorizeSignupRequest {
  /** The `?token=` of the invitation link, if the request carried one. */
  inviteToken?: string;
}
export interface AuthorizeSignupReply {
  /** The organization the new account joins; null when none exists yet (the first account founds it). */
  organizationId: number | null;
}

export interface EnsureMembershipRequest {
  userId: number;
  email: string;
  organizationId: number | null;
  setActiveOrganization: boolean;
}
export interface MembershipContextDto {
  userId: number;
  activeOrganization: OrganizationRefDto | null;
}

export interface ContextRequest {
  userId: number;
}
export interface ContextListRequest {
  userIds: number[];
}

export interface MemberDto {
  userId: number;
  organizationId: number;
  deletedAt: IsoDate | null;
  createdAt: IsoDate;
}
export interface ListMembersRequest {
  organizationId: number;
}
export interface GetMemberRequest {
  organizationId: number;
  userId: number;
}
export interface RemoveUserRequest {
  userId: number;
}

export const InvitationsSubjects = {
  authorizeSignup: request<AuthorizeSignupRequest, AuthorizeSignupReply>('invitations.signup.authorize.v1'),
  ensureMembership: request<EnsureMembershipRequest, MembershipContextDto>(
    'invitations.membership.ensure.v1',
  ),
  getContext: request<ContextRequest, MembershipContextDto>('invitations.context.get.v1'),
  listContexts: request<ContextListRequest, MembershipContextDto[]>('invitations.context.list.v1'),
  listMembers: request<ListMembersRequest, MemberDto[]>('invitations.member.list.v1'),
  getMember: request<GetMemberRequest, MemberDto>('invitations.member.get.v1'),
  /** Forget a hard-deleted user's memberships (the organization they own keeps no owner). */
  removeUser: request<RemoveUserRequest, Empty>('invitations.user.remove.v1'),
} as const;
