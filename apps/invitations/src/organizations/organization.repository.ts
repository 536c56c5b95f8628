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

  /**
   * Reads the row and locks it until the transaction ends: `share` for a signup re-checking its
   * invite token, `update` for whoever changes the token. The two conflict, so a signup either
   * commits before a reset takes the lock or reads the new token after it commits.
   */
  async lock(
    manager: EntityManager,
    id: number,
    mode: 'share' | 'update',
  ): Promise<OrganizationEntity | null> {
    return manager.findOne(OrganizationEntity, {
      where: { id },
      lock: { mode: mode === 'share' ? 'pessimistic_read' : 'pessimistic_write' },
    });
  }

  /** Organizations where the user has a non-deleted membership, by id. */
  async listForActiveMember(userId: number): Promise<OrganizationEntity[]> {
    return this.dataSource.manager
      .createQueryBuilder(OrganizationEntity, 'o')
      .innerJoin(
        'organization_member',
        'm',
        'm.organization_id = o.id AND m.user_id = :userId AND m.deleted_at IS NULL',
        { userId },
      )
      .orderBy('o.id', 'ASC')
      .getMany();
  }

  /** Label Studio's `has_organization`: the user owns (created) some organization. */
  async isOwner(userId: number): Promise<boolean> {
    return this.dataSource.manager.existsBy(OrganizationEntity, { createdById: userId });
  }

  /**
   * Token and digest change in one statement, so no reader ever sees one without the other; the
   * old link stops matching from the commit on (signups read the row, nothing caches it).
   */
  async replaceInviteToken(manager: EntityManager, id: number, token: string): Promise<void> {
    await manager.update(OrganizationEntity, { id }, { token, tokenDigest: inviteTokenDigest(token) });
  }

  async update(
    manager: EntityManager,
    id: number,
    change: { title?: string; contactInfo?: string | null; token?: string },
  ): Promise<void> {
    const values: Partial<OrganizationEntity> = {};
    if (change.title !== undefined) values.title = change.title;
    if (change.contactInfo !== undefined) values.contactInfo = change.contactInfo;
    if (change.token !== undefined) {
      values.token = change.token;
      values.tokenDigest = inviteTokenDigest(change.token);
    }
    // An empty PATCH still touches updated_at, as Django's save() does.
    await manager.update(OrganizationEntity, { id }, values);
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

  /** The organizations the user owns (Label Studio: at most one). */
  async idsOwnedBy(manager: EntityManager, userId: number): Promise<number[]> {
    const rows = await manager.find(OrganizationEntity, {
      select: { id: true },
      where: { createdById: userId },
    });
    return rows.map((row) => row.id);
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
