import { event, request, Empty } from '../contract';
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
  /**
   * The `?token=` the web signup was authorized with. When given, the link is checked again in
   * the same transaction that adds the membership: a signup racing a link reset is refused
   * (SIGNUP_FORBIDDEN) unless it completed before the reset.
   */
  inviteToken?: string;
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
  /** The membership row's id (Label Studio's `OrganizationMember.id`). */
  id: number;
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

/** Which organization's invite link: the caller's active one (API), or an explicit one / the first (admin CLI). */
export interface InviteLinkRequest {
  userId?: number;
  organizationId?: number;
}
export interface InviteLinkDto {
  organizationId: number;
  /** The invite token; the link is `/user/signup/?token=<token>`. */
  token: string;
}

/** Label Studio's `OrganizationSerializer` fields. */
export interface OrganizationDto {
  id: number;
  title: string;
  token: string;
  createdAt: IsoDate;
  updatedAt: IsoDate;
  contactInfo: string | null;
  createdBy: number | null;
  /** Member user ids, soft-deleted included. */
  users: number[];
}
export interface ListOrganizationsRequest {
  userId: number;
}
export interface GetOrganizationRequest {
  organizationId: number;
}
export interface UpdateOrganizationRequest {
  organizationId: number;
  title?: string;
  contactInfo?: string | null;
  token?: string;
}
export interface RemoveMemberRequest {
  organizationId: number;
  userId: number;
}
export interface RemoveMemberReply {
  /** Non-deleted memberships the user still has; 0 means they may no longer sign in. */
  remainingActiveMemberships: number;
}

export interface MemberRemovedEvent {
  organizationId: number;
  userId: number;
  removedBy: number | null;
  remainingActiveMemberships: number;
  occurredAt: IsoDate;
}

export const InvitationsEvents = {
  stream: 'INVITATIONS',
  subjects: 'invitations.events.>',
  memberRemoved: event<MemberRemovedEvent>('invitations.events.member.removed.v1'),
} as const;

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
  getInviteLink: request<InviteLinkRequest, InviteLinkDto>('invitations.invite-link.get.v1'),
  resetInviteLink: request<InviteLinkRequest, InviteLinkDto>('invitations.invite-link.reset.v1'),
  listOrganizations: request<ListOrganizationsRequest, OrganizationDto[]>('invitations.organization.list.v1'),
  getOrganization: request<GetOrganizationRequest, OrganizationDto>('invitations.organization.get.v1'),
  updateOrganization: request<UpdateOrganizationRequest, OrganizationDto>(
    'invitations.organization.update.v1',
  ),
  /** Soft delete (Label Studio's rules: owner only, active organization only, not self). */
  removeMember: request<RemoveMemberRequest, RemoveMemberReply>('invitations.member.remove.v1'),
} as const;
