import { Injectable } from '@nestjs/common';
import { OutboxRelay } from '@app/database';
import { ProfileRepository } from './profile.repository';

@Injectable()
export class RecordActivityUseCase {
  constructor(
    private readonly profiles: ProfileRepository,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * Label Studio (newest) stamps `last_activity` at login. Only ever moves forward, so redelivered
   * or reordered events change nothing. False when the account was removed since.
   */
  async execute(userId: number, at: Date): Promise<boolean> {
    const found = await this.profiles.recordActivity(userId, at);
    this.relay.kick();
    return found;
  }

  /**
   * The gateway's coalesced activity (Label Studio: unsafe requests by authenticated users): the
   * newest time per user, in one statement; returns how many profiles moved.
   */
  async executeBatch(entries: Array<{ userId: number; at: Date }>): Promise<number> {
    const moved = await this.profiles.recordActivities(entries);
    if (moved) this.relay.kick();
    return moved;
  }
}
