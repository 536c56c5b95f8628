import { MemberDto, MembershipContextDto } from '@app/contracts';
import { OrganizationEntity } from '../organizations/organization.entity';
import { toOrganizationRef } from '../organizations/organization.mapper';
import { MembershipEntity } from './membership.entity';

export function toMemberDto(membership: MembershipEntity): MemberDto {
  return {
    id: membership.id,
    userId: membership.userId,
    organizationId: membership.organizationId,
    deletedAt: membership.deletedAt?.toISOString() ?? null,
    createdAt: membership.createdAt.toISOString(),
  };
}

export function toMembershipContext(
  userId: number,
  activeOrganization: OrganizationEntity | null,
): MembershipContextDto {
  return { userId, activeOrganization: activeOrganization ? toOrganizationRef(activeOrganization) : null };
}
