import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, IdentitySubjects, InvitationsEvents, RemoveMemberReply } from '@app/contracts';
import { BusClient, BusError, fail } from '@app/bus';
import { OutboxRelay, recordEvent } from '@app/database';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { OrganizationRepository } from '../organizations/organization.repository';
import { recordMembershipsChanged } from '../read-model/user-memberships.projection';
import { BusCaller } from './membership-requests.schema';
import { MembershipRepository } from './membership.repository';
import { NO_PERMISSION } from './memberships.access';
import { UserContextRepository } from './user-context.repository';

export const NOT_ACTIVE_ORGANIZATION = 'You can delete members only for your current active organization';
export const MEMBER_NOT_FOUND = 'Member not found';
export const CANNOT_REMOVE_SELF = 'User cannot soft delete self';

/**
 * `DELETE /api/organizations/{id}/memberships/{user_id}/`: Label Studio's soft delete, with its
 * checks in its order. The operator's CLI ('admin') skips the owner and active-organization rules.
 * The removal is published durably (outbox), so identity and profiles learn of it even if down now.
 */
@Injectable()
export class RemoveMemberUseCase {
  private readonly logger = new Logger(RemoveMemberUseCase.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationRepository,
    private readonly memberships: MembershipRepository,
    private readonly contexts: UserContextRepository,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
    private readonly bus: BusClient,
  ) {}

  async execute(organizationId: number, userId: number, caller: BusCaller): Promise<RemoveMemberReply> {
    if (caller === undefined) fail(ErrorCode.Forbidden, NO_PERMISSION);
    if (typeof caller === 'number') await this.assertCallerMayRemove(organizationId, caller);
    const member = await this.memberships.find(organizationId, userId);
    if (!member || member.deletedAt !== null) fail(ErrorCode.NotFound, MEMBER_NOT_FOUND);
    if (userId === caller) fail(ErrorCode.MethodNotAllowed, CANNOT_REMOVE_SELF);

    const remainingActiveMemberships = await this.dataSource.transaction(async (manager) => {
      await this.contexts.lockUser(manager, userId);
      // Checked again under the lock: a concurrent removal of the same member makes this one a 404.
      if (!(await this.memberships.softDelete(manager, organizationId, userId)))
        fail(ErrorCode.NotFound, MEMBER_NOT_FOUND);
      const remaining = await this.memberships.activeOrganizationIds(manager, userId);
      const active = await this.contexts.activeOrganizationId(manager, userId);
      // Label Studio moves the active organization to one the user is still an active member of.
      if (active === null || !remaining.includes(active))
        await this.contexts.setActive(manager, userId, remaining[0] ?? null);
      // The membership is marked deleted, and the active organization may have moved.
      await recordMembershipsChanged(manager, [userId]);
      await recordEvent(manager, InvitationsEvents.memberRemoved, {
        organizationId,
        userId,
        removedBy: typeof caller === 'number' ? caller : null,
        remainingActiveMemberships: remaining.length,
        occurredAt: new Date().toISOString(),
      });
      await this.audit.record(
        {
          action: 'member.removed',
          actor: caller,
          subjectUserId: userId,
          details: { organizationId, remainingActiveMemberships: remaining.length },
        },
        manager,
      );
      return remaining.length;
    });
    this.relay.kick();
    this.logger.log({ organizationId, userId, remainingActiveMemberships }, 'Member removed');
    if (remainingActiveMemberships === 0) await this.deactivate(userId, caller);
    return { remainingActiveMemberships };
  }

  /**
   * A member left without any organization may no longer sign in: identity deactivates them now,
   * so their sessions and token stop before this removal is answered. If identity cannot be
   * reached, the member-removed event (already committed) does it when it is back.
   */
  private async deactivate(userId: number, caller: BusCaller): Promise<void> {
    try {
      await this.bus.request(IdentitySubjects.deactivateRemovedMember, {
        userId,
        removedBy: typeof caller === 'number' ? caller : null,
      });
    } catch (error) {
      if (!(error instanceof BusError)) throw error;
      this.logger.warn({ userId, code: error.code }, 'Deactivation deferred to the member-removed event');
    }
  }

  /** Label Studio's `MemberHasOwnerPermission` + object permission, then the active-organization rule. */
  private async assertCallerMayRemove(organizationId: number, caller: number): Promise<void> {
    const [owner, member] = await Promise.all([
      this.organizations.isOwner(caller),
      this.memberships.isActiveMember(organizationId, caller),
    ]);
    if (!owner || !member) fail(ErrorCode.Forbidden, NO_PERMISSION);
    const active = await this.contexts.activeOrganizationId(this.dataSource.manager, caller);
    if (active !== organizationId) fail(ErrorCode.Forbidden, NOT_ACTIVE_ORGANIZATION);
  }
}
