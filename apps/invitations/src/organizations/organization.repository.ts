import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OrganizationEntity } from './organization.entity';
import { inviteTokenDigest, newInviteToken, sameInviteToken } from './invite-token';

/**
 * Held while deciding whether the first organization must be founded, so two concurrent first
 * signups cannot both found one. Any constant works; this one spells "LSORG1".
 */
const FOUNDING_LOCK = '83920696788785'; // 0x4c534f524731

export interface OrganizationOwner {
  userId: number;
  email: string;
}

@Injectable()
export class OrganizationRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findById(
    id: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<OrganizationEntity | null> {
    return manager.findOneBy(OrganizationEntity, { id });
  }

  /** Label Studio's `Organization.objects.first()`: the lowest id. */
  async findFirst(manager: EntityManager = this.dataSource.manager): Promise<OrganizationEntity | null> {
    const [first] = await manager.find(OrganizationEntity, { order: { id: 'ASC' }, take: 1 });
    return first ?? null;
  }

  /** The organization whose invite link carries this token, found by digest and confirmed in constant time. */
  async findByInviteToken(token: string): Promise<OrganizationEntity | null> {
    const candidate = await this.dataSource.manager.findOneBy(OrganizationEntity, {
      tokenDigest: inviteTokenDigest(token),
    });
    return candidate && sameInviteToken(token, candidate.token) ? candidate : null;
  }

  /** Serializes founding the first organization until the caller's transaction ends. */
  async lockFounding(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1::bigint)', [FOUNDING_LOCK]);
  }

  async create(manager: EntityManager, title: string, owner: OrganizationOwner): Promise<OrganizationEntity> {
    const token = newInviteToken();
    const organization = manager.create(OrganizationEntity, {
      title,
      token,
      tokenDigest: inviteTokenDigest(token),
      createdById: owner.userId,
      createdByEmail: owner.email,
      contactInfo: null,
    });
    return manager.save(organization);
  }

  /** Label Studio's `created_by` is SET_NULL: a deleted owner's organization lives on without one. */
  async forgetOwner(manager: EntityManager, userId: number): Promise<void> {
    await manager.update(
      OrganizationEntity,
      { createdById: userId },
      { createdById: null, createdByEmail: null },
    );
  }
}
