import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ErrorCode, MembershipContextDto } from '@app/contracts';
import { fail } from '@app/bus';
import { OrganizationEntity } from '../organizations/organization.entity';
import { OrganizationRepository } from '../organizations/organization.repository';
import { BusCaller, EnsureMembershipInput } from './membership-requests.schema';
import { MembershipRepository } from './membership.repository';
import { toMembershipContext } from './membership.mapper';
import { UserContextRepository } from './user-context.repository';
import { MembershipsAccess } from './memberships.access';

/** Label Studio's `save_user`: the first account founds this organization. */
export const FIRST_ORGANIZATION_TITLE = 'Label Studio';

/**
 * Puts a new account into its organization. Called by the signup flow and, durably, for every
 * `user.registered` event, so it is idempotent: a repeat changes nothing.
 */
@Injectable()
export class EnsureMembershipUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationRepository,
    private readonly memberships: MembershipRepository,
    private readonly contexts: UserContextRepository,
    private readonly access: MembershipsAccess,
  ) {}

  async execute(input: EnsureMembershipInput, caller?: BusCaller): Promise<MembershipContextDto> {
    if (typeof caller === 'number') {
      // A user may only bring others into an organization they are an active member of.
      if (
        input.organizationId === null ||
        !(await this.access.isActiveMember(input.organizationId, caller))
      ) {
        fail(ErrorCode.NotFound, 'Organization not found');
      }
    }
    return this.dataSource.transaction(async (manager) => {
      await this.contexts.lockUser(manager, input.userId);
      if (await this.contexts.isRemoved(manager, input.userId)) fail(ErrorCode.NotFound, 'User not found');
      const organization = await this.organizationToJoin(manager, input);
      await this.memberships.addIfAbsent(manager, input.userId, organization.id);
      if (input.setActiveOrganization)
        await this.contexts.activateIfUnset(manager, input.userId, organization.id);
      const active = await this.contexts.activeOrganizations([input.userId], manager);
      return toMembershipContext(input.userId, active.get(input.userId) ?? null);
    });
  }

  private async organizationToJoin(
    manager: EntityManager,
    input: EnsureMembershipInput,
  ): Promise<OrganizationEntity> {
    if (input.organizationId !== null) {
      return (
        (await this.organizations.findById(input.organizationId, manager)) ??
        fail(ErrorCode.NotFound, 'Organization not found')
      );
    }
    // Without the lock two concurrent first signups would each see no organization and found two.
    await this.organizations.lockFounding(manager);
    return (
      (await this.organizations.findFirst(manager)) ??
      (await this.organizations.create(manager, FIRST_ORGANIZATION_TITLE, {
        userId: input.userId,
        email: input.email,
      }))
    );
  }
}
