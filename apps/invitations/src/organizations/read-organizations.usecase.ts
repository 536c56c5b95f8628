import { Injectable } from '@nestjs/common';
import { ErrorCode, OrganizationDto } from '@app/contracts';
import { fail } from '@app/bus';
import { BusCaller } from '../memberships/membership-requests.schema';
import { MembershipRepository } from '../memberships/membership.repository';
import { NO_PERMISSION } from '../memberships/memberships.access';
import { OrganizationEntity } from './organization.entity';
import { toOrganizationDto } from './organization.mapper';
import { OrganizationAccess } from './organization-access';
import { OrganizationRepository } from './organization.repository';

/** `GET /api/organizations/` and `GET /api/organizations/{id}`. */
@Injectable()
export class ReadOrganizationsUseCase {
  constructor(
    private readonly organizations: OrganizationRepository,
    private readonly memberships: MembershipRepository,
    private readonly access: OrganizationAccess,
  ) {}

  /** Organizations where the user has a non-deleted membership; only the user (or the operator) asks. */
  async list(userId: number, caller: BusCaller): Promise<OrganizationDto[]> {
    if (typeof caller === 'number' && caller !== userId) fail(ErrorCode.Forbidden, NO_PERMISSION);
    return this.withUsers(await this.organizations.listForActiveMember(userId));
  }

  async get(organizationId: number, caller: BusCaller): Promise<OrganizationDto> {
    const [dto] = await this.withUsers([await this.access.visible(organizationId, caller)]);
    return dto;
  }

  private async withUsers(organizations: OrganizationEntity[]): Promise<OrganizationDto[]> {
    const users = await this.memberships.userIdsByOrganization(organizations.map((o) => o.id));
    return organizations.map((o) => toOrganizationDto(o, users.get(o.id) ?? []));
  }
}
