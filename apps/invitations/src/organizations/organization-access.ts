import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import { fail } from '@app/bus';
import { BusCaller } from '../memberships/membership-requests.schema';
import { MembershipsAccess } from '../memberships/memberships.access';
import { OrganizationEntity } from './organization.entity';
import { OrganizationRepository } from './organization.repository';

export const NO_ORGANIZATION = 'No Organization matches the given query.';

/** Label Studio's object permission for an organization: unknown is 404, not an active member is 403. */
@Injectable()
export class OrganizationAccess {
  constructor(
    private readonly organizations: OrganizationRepository,
    private readonly access: MembershipsAccess,
  ) {}

  async visible(organizationId: number, caller: BusCaller): Promise<OrganizationEntity> {
    const organization =
      (await this.organizations.findById(organizationId)) ?? fail(ErrorCode.NotFound, NO_ORGANIZATION);
    await this.access.assertActiveMember(organizationId, caller);
    return organization;
  }
}
