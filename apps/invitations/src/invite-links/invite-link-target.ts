import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode } from '@app/contracts';
import { fail } from '@app/bus';
import { BusCaller } from '../memberships/membership-requests.schema';
import { MembershipsAccess, NO_PERMISSION } from '../memberships/memberships.access';
import { UserContextRepository } from '../memberships/user-context.repository';
import { NO_ORGANIZATION } from '../organizations/organization-access';
import { OrganizationRepository } from '../organizations/organization.repository';
import { InviteLinkInput } from './invite-link.schema';

/**
 * Whose invite link a request means. `userId`: that user's active organization (`/api/invite`;
 * only the user themself or the operator). `organizationId`: that one (an active member, or the
 * operator). Neither: the first organization, for the operator's CLI only. The token is a
 * credential, so a call that names no caller gets nothing.
 */
@Injectable()
export class InviteLinkTarget {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationRepository,
    private readonly contexts: UserContextRepository,
    private readonly access: MembershipsAccess,
  ) {}

  async organizationId(input: InviteLinkInput, caller: BusCaller): Promise<number> {
    if (caller === undefined) return fail(ErrorCode.Forbidden, NO_PERMISSION);
    if (input.userId !== undefined) {
      if (caller !== 'admin' && caller !== input.userId) return fail(ErrorCode.Forbidden, NO_PERMISSION);
      const active = await this.contexts.activeOrganizationId(this.dataSource.manager, input.userId);
      return active ?? fail(ErrorCode.NotFound, NO_ORGANIZATION);
    }
    if (input.organizationId !== undefined) {
      if (!(await this.organizations.findById(input.organizationId)))
        fail(ErrorCode.NotFound, NO_ORGANIZATION);
      await this.access.assertActiveMember(input.organizationId, caller);
      return input.organizationId;
    }
    if (caller !== 'admin') return fail(ErrorCode.Forbidden, NO_PERMISSION);
    return (await this.organizations.findFirst())?.id ?? fail(ErrorCode.NotFound, NO_ORGANIZATION);
  }
}
