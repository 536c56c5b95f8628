import { Injectable } from '@nestjs/common';
import { OutboxRelay } from '@app/database';
import { ProfileRepository } from './profile.repository';

@Injectable()
export class RemoveProfileUseCase {
  constructor(
    private readonly profiles: ProfileRepository,
    private readonly relay: OutboxRelay,
  ) {}

  /** Idempotent: removing a missing profile succeeds. */
  async execute(userId: number, removedAt?: Date): Promise<void> {
    await this.profiles.remove(userId, removedAt);
    this.relay.kick();
  }
}
