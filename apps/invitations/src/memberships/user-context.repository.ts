import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity';
import { RemovedUserEntity } from './removed-user.entity';
import { UserContextEntity } from './user-context.entity';

/** Namespace of the per-user advisory locks (two-key form: never collides with one-key locks). */
const USER_LOCK_NAMESPACE = 0x494e56; // "INV"

@Injectable()
export class UserContextRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Serializes everything done for one user until the transaction ends: a removal racing a
   * membership for the same user must not leave the membership of a deleted user behind.
   */
  async lockUser(manager: EntityManager, userId: number): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1::integer, $2::integer)', [
      USER_LOCK_NAMESPACE,
      userId,
    ]);
  }

  async isRemoved(manager: EntityManager, userId: number): Promise<boolean> {
    return manager.existsBy(RemovedUserEntity, { userId });
  }

  async markRemoved(manager: EntityManager, userId: number): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(RemovedUserEntity)
      .values({ userId })
      .orIgnore()
      .execute();
  }

  /** Sets the active organization only when the user has none, so a repeated call changes nothing. */
  async activateIfUnset(manager: EntityManager, userId: number, organizationId: number): Promise<void> {
    await manager.query(
      `INSERT INTO user_context (user_id, active_organization_id) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET active_organization_id = EXCLUDED.active_organization_id
       WHERE user_context.active_organization_id IS NULL`,
      [userId, organizationId],
    );
  }

  /** Active organization of each user; users without one (or unknown) map to null. */
  async activeOrganizations(
    userIds: number[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<number, OrganizationEntity | null>> {
    const found = new Map<number, OrganizationEntity | null>();
    if (userIds.length === 0) return found;
    const contexts = await manager.find(UserContextEntity, {
      where: { userId: In([...new Set(userIds)]) },
      relations: { activeOrganization: true },
    });
    for (const context of contexts) found.set(context.userId, context.activeOrganization ?? null);
    return found;
  }

  async activeOrganizationId(manager: EntityManager, userId: number): Promise<number | null> {
    const context = await manager.findOneBy(UserContextEntity, { userId });
    return context?.activeOrganizationId ?? null;
  }

  async setActive(manager: EntityManager, userId: number, organizationId: number | null): Promise<void> {
    await manager.query(
      `INSERT INTO user_context (user_id, active_organization_id) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET active_organization_id = EXCLUDED.active_organization_id`,
      [userId, organizationId],
    );
  }

  async delete(manager: EntityManager, userId: number): Promise<void> {
    await manager.delete(UserContextEntity, { userId });
  }
}
