import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { KvValueOf, ReadModels } from '@app/contracts';
import { OutboxRelay, Projection, recordReadModelChange } from '@app/database';
import { MembershipEntity } from '../memberships/membership.entity';
import { RemovedUserEntity } from '../memberships/removed-user.entity';
import { UserContextEntity } from '../memberships/user-context.entity';
import { UserContextRepository } from '../memberships/user-context.repository';
import { toOrganizationRef, toTokenSettings } from '../organizations/organization.mapper';

type UserMemberships = KvValueOf<typeof ReadModels.userMemberships>;

/** At most this many keys per outbox insert. */
const KEYS_PER_INSERT = 1000;

/** Records, in the caller's transaction, that the organizations of these users changed. */
export async function recordMembershipsChanged(manager: EntityManager, userIds: number[]): Promise<void> {
  const keys = [...new Set(userIds)];
  for (let i = 0; i < keys.length; i += KEYS_PER_INSERT) {
    await recordReadModelChange(manager, ReadModels.userMemberships, keys.slice(i, i + KEYS_PER_INSERT));
  }
}

/**
 * The users whose active organization is one of these: what they see of it (title, owner's email,
 * token settings) is in their value, so a change of the organization row changes theirs.
 */
export async function usersWithActiveOrganization(
  manager: EntityManager,
  organizationIds: number[],
): Promise<number[]> {
  if (organizationIds.length === 0) return [];
  const rows = await manager.find(UserContextEntity, {
    select: { userId: true },
    where: { activeOrganizationId: In(organizationIds) },
    order: { userId: 'ASC' },
  });
  return rows.map((row) => row.userId);
}

/**
 * The `user-memberships` read model: per user, the active organization as whoami shows it
 * (`MembershipContextDto.activeOrganization`) and every membership, soft-deleted ones included,
 * so the gateway renders users and checks organizations without asking. A user with neither
 * (unknown, or removed with their account) is a deleted key. Registered with the relay when the
 * module starts.
 */
@Injectable()
export class UserMembershipsProjection
  implements Projection<typeof ReadModels.userMemberships>, OnModuleInit
{
  readonly contract = ReadModels.userMemberships;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly contexts: UserContextRepository,
  ) {}

  onModuleInit(): void {
    this.relay.project(this);
  }

  async valueOf(manager: EntityManager, key: string): Promise<UserMemberships | null> {
    const userId = Number(key);
    if (!Number.isSafeInteger(userId) || userId <= 0) return null;
    if (await manager.existsBy(RemovedUserEntity, { userId })) return null;
    const memberships = await manager.find(MembershipEntity, { where: { userId }, order: { id: 'ASC' } });
    const hasContext = await manager.existsBy(UserContextEntity, { userId });
    if (memberships.length === 0 && !hasContext) return null;
    const active = (await this.contexts.activeOrganizations([userId], manager)).get(userId) ?? null;
    return {
      activeOrganization: active ? toOrganizationRef(active) : null,
      tokenSettings: active
        ? (({ apiTokensEnabled, legacyApiTokensEnabled }) => ({ apiTokensEnabled, legacyApiTokensEnabled }))(
            toTokenSettings(active),
          )
        : null,
      memberships: memberships.map((m) => ({
        id: m.id,
        organizationId: m.organizationId,
        createdAt: m.createdAt.toISOString(),
        deletedAt: m.deletedAt?.toISOString() ?? null,
      })),
    };
  }

  async allKeys(manager: EntityManager): Promise<string[]> {
    const rows: Array<{ user_id: number }> = await manager.query(
      `SELECT user_id FROM organization_member
       UNION SELECT user_id FROM user_context
       ORDER BY user_id`,
    );
    return rows.map((row) => String(row.user_id));
  }
}
