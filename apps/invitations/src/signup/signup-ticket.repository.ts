import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface SignupTicket {
  id: string;
  organizationId: number | null;
  /** SHA-256 of the invite token the signup was allowed with; null: allowed without a link. */
  inviteDigest: string | null;
  state: 'issued' | 'claimed' | 'refused';
  userId: number | null;
}

interface TicketRow {
  id: string;
  organization_id: number | null;
  invite_digest: string | null;
  state: SignupTicket['state'];
  user_id: number | null;
}

const toTicket = (row: TicketRow): SignupTicket => ({
  id: row.id,
  organizationId: row.organization_id,
  inviteDigest: row.invite_digest,
  state: row.state,
  userId: row.user_id,
});

@Injectable()
export class SignupTicketRepository {
  constructor(private readonly dataSource: DataSource) {}

  async issue(organizationId: number | null, inviteDigest: string | null): Promise<string> {
    const id = randomUUID();
    await this.dataSource.query(
      'INSERT INTO signup_ticket (id, organization_id, invite_digest) VALUES ($1, $2, $3)',
      [id, organizationId, inviteDigest],
    );
    return id;
  }

  /** Read under a row lock: one claim or refusal at a time per ticket. */
  async lock(manager: EntityManager, id: string): Promise<SignupTicket | null> {
    const rows: TicketRow[] = await manager.query(
      'SELECT id, organization_id, invite_digest, state, user_id FROM signup_ticket WHERE id = $1 FOR UPDATE',
      [id],
    );
    return rows[0] ? toTicket(rows[0]) : null;
  }

  async settle(
    manager: EntityManager,
    id: string,
    state: 'claimed' | 'refused',
    userId: number,
    organizationId?: number,
  ): Promise<void> {
    await manager.query(
      'UPDATE signup_ticket SET state = $2, user_id = $3, organization_id = COALESCE($4, organization_id) WHERE id = $1',
      [id, state, userId, organizationId ?? null],
    );
  }

  /** Tickets no account ever claimed (the signup failed before its account was made). */
  async removeUnclaimedBefore(before: Date): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      "DELETE FROM signup_ticket WHERE state = 'issued' AND created_at < $1",
      [before],
    );
    return count;
  }
}
