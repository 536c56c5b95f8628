import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { MembershipEntity } from './membership.entity';

@Injectable()
export class MembershipRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Label Studio's `add_user` is a no-op when any row exists, even a soft-deleted one: a removed
   * member is not let back in by signing up or being created again.
   */
  async addIfAbsent(manager: EntityManager, userId: number, organizationId: number): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(MembershipEntity)
      .values({ userId, organizationId })
      .orIgnore()
      .execute();
  }

  async find(organizationId: number, userId: number): Promise<MembershipEntity | null> {
    return this.dataSource.manager.findOneBy(MembershipEntity, { organizationId, userId });
  }

  async isActiveMember(organizationId: number, userId: number): Promise<boolean> {
    return this.dataSource.manager.existsBy(MembershipEntity, {
      organizationId,
      userId,
      deletedAt: IsNull(),
    });
  }

  /** Every row, soft-deleted ones included (Label Studio lists them as deleted users). */
  async listByOrganization(organizationId: number): Promise<MembershipEntity[]> {
    return this.dataSource.manager.find(MembershipEntity, {
      where: { organizationId },
      order: { userId: 'ASC' },
    });
  }

  async deleteByUser(manager: EntityManager, userId: number): Promise<void> {
    await manager.delete(MembershipEntity, { userId });
  }
}
