import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrganizationRepository } from '../organizations/organization.repository';
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
  ) {}

  async execute(userId: number): Promise<Record<string, never>> {
    await this.dataSource.transaction(async (manager) => {
      await this.contexts.lockUser(manager, userId);
      await this.contexts.markRemoved(manager, userId);
      await this.memberships.deleteByUser(manager, userId);
      await this.contexts.delete(manager, userId);
      await this.organizations.forgetOwner(manager, userId);
    });
    this.logger.log({ userId }, 'Memberships of a deleted user removed');
    return {};
  }
}
