import { Injectable } from '@nestjs/common';
import { ErrorCode, MemberDto } from '@app/contracts';
import { fail } from '@app/bus';
import { OrganizationRepository } from '../organizations/organization.repository';
import { BusCaller } from './membership-requests.schema';
import { MembershipRepository } from './membership.repository';
import { toMemberDto } from './membership.mapper';
import { MembershipsAccess } from './memberships.access';

const ORGANIZATION_NOT_FOUND = 'Organization not found';
const MEMBER_NOT_FOUND = 'Member not found';

@Injectable()
export class GetMembersUseCase {
  constructor(
    private readonly organizations: OrganizationRepository,
    private readonly memberships: MembershipRepository,
    private readonly access: MembershipsAccess,
  ) {}

  /** All members ordered by user id, soft-deleted ones included. */
  async list(organizationId: number, caller: BusCaller): Promise<MemberDto[]> {
    await this.access.assertCanSee(organizationId, caller, ORGANIZATION_NOT_FOUND);
    if (!(await this.organizations.findById(organizationId)))
      fail(ErrorCode.NotFound, ORGANIZATION_NOT_FOUND);
    const members = await this.memberships.listByOrganization(organizationId);
    return members.map(toMemberDto);
  }

  async get(organizationId: number, userId: number, caller: BusCaller): Promise<MemberDto> {
    await this.access.assertCanSee(organizationId, caller, MEMBER_NOT_FOUND);
    const member = await this.memberships.find(organizationId, userId);
    return member ? toMemberDto(member) : fail(ErrorCode.NotFound, MEMBER_NOT_FOUND);
  }
}
