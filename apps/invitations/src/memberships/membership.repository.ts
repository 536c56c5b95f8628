import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
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

  /** Member user ids of each organization, soft-deleted members included (Label Studio's `users`). */
  async userIdsByOrganization(organizationIds: number[]): Promise<Map<number, number[]>> {
    const found = new Map<number, number[]>(organizationIds.map((id) => [id, []]));
    if (organizationIds.length === 0) return found;
    const rows = await this.dataSource.manager.find(MembershipEntity, {
      select: { organizationId: true, userId: true },
      where: { organizationId: In([...new Set(organizationIds)]) },
      order: { userId: 'ASC' },
    });
    for (const row of rows) found.get(row.organizationId)?.push(row.userId);
    return found;
  }

  /** Label Studio's `soft_delete`: sets `deleted_at`; false when there was no active membership. */
  async softDelete(manager: EntityManager, organizationId: number, userId: number): Promise<boolean> {
    const result = await manager.update(
      MembershipEntity,
      { organizationId, userId, deletedAt: IsNull() },
      { deletedAt: () => 'now()' },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Organizations where the user still has a non-deleted membership, lowest id first. */
  async activeOrganizationIds(manager: EntityManager, userId: number): Promise<number[]> {
    const rows = await manager.find(MembershipEntity, {
      select: { organizationId: true },
      where: { userId, deletedAt: IsNull() },
      order: { organizationId: 'ASC' },
    });
    return rows.map((row) => row.organizationId);
  }

  async deleteByUser(manager: EntityManager, userId: number): Promise<void> {
    await manager.delete(MembershipEntity, { userId });
  }
}
