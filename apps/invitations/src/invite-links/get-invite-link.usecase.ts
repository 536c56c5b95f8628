import { Injectable } from '@nestjs/common';
import { ErrorCode, InviteLinkDto } from '@app/contracts';
import { fail } from '@app/bus';
import { BusCaller } from '../memberships/membership-requests.schema';
import { OrganizationRepository } from '../organizations/organization.repository';
import { InviteLinkInput } from './invite-link.schema';
import { NO_ORGANIZATION } from '../organizations/organization-access';
import { InviteLinkTarget } from './invite-link-target';

/** `GET /api/invite` (and the operator's CLI): the current invite token of an organization. */
@Injectable()
export class GetInviteLinkUseCase {
  constructor(
    private readonly target: InviteLinkTarget,
    private readonly organizations: OrganizationRepository,
  ) {}

  async execute(input: InviteLinkInput, caller: BusCaller): Promise<InviteLinkDto> {
    const organizationId = await this.target.organizationId(input, caller);
    const organization =
      (await this.organizations.findById(organizationId)) ?? fail(ErrorCode.NotFound, NO_ORGANIZATION);
    return { organizationId: organization.id, token: organization.token };
  }
}
