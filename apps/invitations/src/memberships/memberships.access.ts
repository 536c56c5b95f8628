import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import { fail } from '@app/bus';
import { MembershipRepository } from './membership.repository';
import { BusCaller } from './membership-requests.schema';

/** DRF's text for a refused permission check, which Label Studio clients show as is. */
export const NO_PERMISSION = 'You do not have permission to perform this action.';

/**
 * What a calling user may see. The gateway applies Label Studio's finer rules (active
 * organization, owner); this is the floor every service keeps: an organization the caller never
 * belonged to looks as if it did not exist. System calls (no caller) and the admin CLI pass.
 */
@Injectable()
export class MembershipsAccess {
  constructor(private readonly memberships: MembershipRepository) {}

  async isActiveMember(organizationId: number, userId: number): Promise<boolean> {
    return this.memberships.isActiveMember(organizationId, userId);
  }

  /** Label Studio's memberships list: any row, even a soft-deleted one, lets the caller see it. */
  async assertCanSee(organizationId: number, caller: BusCaller, message: string): Promise<void> {
    if (typeof caller !== 'number') return;
    if (!(await this.memberships.find(organizationId, caller))) fail(ErrorCode.NotFound, message);
  }

  /** Label Studio's `Organization.has_permission`: a non-deleted membership (403 otherwise). */
  async assertActiveMember(organizationId: number, caller: BusCaller): Promise<void> {
    if (typeof caller !== 'number') return;
    if (!(await this.memberships.isActiveMember(organizationId, caller)))
      fail(ErrorCode.Forbidden, NO_PERMISSION);
  }
}
