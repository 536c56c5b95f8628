import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '@app/database';
import { OrganizationRepository } from '../organizations/organization.repository';
import {
  recordMembershipsChanged,
  usersWithActiveOrganization,
} from '../read-model/user-memberships.projection';
import { MembershipRepository } from './membership.repository';
import { UserContextRepository } from './user-context.repository';

/**
 * A user was hard-deleted by identity: their memberships and context go (Label Studio's CASCADE);
 * organizations they owned stay, without an owner (SET_NULL). Idempotent.
 */
@Injectable()
export class RemoveUserUseCase {
  private readonly logger = new Logger(RemoveUserUseCase.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationRepository,
    private readonly memberships: MembershipRepository,
    private readonly contexts: UserContextRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(userId: number): Promise<Record<string, never>> {
    await this.dataSource.transaction(async (manager) => {
      await this.contexts.lockUser(manager, userId);
      await this.contexts.markRemoved(manager, userId);
      await this.memberships.deleteByUser(manager, userId);
      await this.contexts.delete(manager, userId);
      // Those whose active organization the user owned now see it without an owner's email.
      const owned = await this.organizations.idsOwnedBy(manager, userId);
      await this.organizations.forgetOwner(manager, userId);
      const affected = await usersWithActiveOrganization(manager, owned);
      await recordMembershipsChanged(manager, [userId, ...affected]);
    });
    this.relay.kick();
    this.logger.log({ userId }, 'Memberships of a deleted user removed');
    return {};
  }
}
