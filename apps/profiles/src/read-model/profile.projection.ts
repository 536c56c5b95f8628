import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { KvValueOf, ReadModels } from '@app/contracts';
import { OutboxRelay, Projection, recordReadModelChange } from '@app/database';
import { ProfileEntity } from '../profiles/profile.entity';
import { toProfileDto } from '../profiles/profile.mapper';

type ReplicatedProfile = KvValueOf<typeof ReadModels.profiles>;

/** At most this many keys per outbox insert. */
const KEYS_PER_INSERT = 1000;

/** Records, in the caller's transaction, that the profiles of these users changed (or went). */
export async function recordProfilesChanged(manager: EntityManager, userIds: number[]): Promise<void> {
  const keys = [...new Set(userIds)];
  for (let i = 0; i < keys.length; i += KEYS_PER_INSERT) {
    await recordReadModelChange(manager, ReadModels.profiles, keys.slice(i, i + KEYS_PER_INSERT));
  }
}

/**
 * The `profiles` read model: each user's profile as `ProfileDto`, so the gateway renders users
 * without asking. A missing or removed profile is a deleted key. Registered with the relay when
 * the module starts.
 */
@Injectable()
export class ProfileProjection implements Projection<typeof ReadModels.profiles>, OnModuleInit {
  readonly contract = ReadModels.profiles;

  constructor(private readonly relay: OutboxRelay) {}

  onModuleInit(): void {
    this.relay.project(this);
  }

  async valueOf(manager: EntityManager, key: string): Promise<ReplicatedProfile | null> {
    const userId = Number(key);
    if (!Number.isSafeInteger(userId) || userId <= 0) return null;
    const profile = await manager.findOneBy(ProfileEntity, { userId });
    return profile ? toProfileDto(profile) : null;
  }

  async allKeys(manager: EntityManager): Promise<string[]> {
    const rows = await manager.find(ProfileEntity, { select: { userId: true }, order: { userId: 'ASC' } });
    return rows.map((row) => String(row.userId));
  }
}
