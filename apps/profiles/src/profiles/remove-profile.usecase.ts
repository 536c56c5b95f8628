import { Injectable } from '@nestjs/common';
import { ProfileRepository } from './profile.repository';

@Injectable()
export class RemoveProfileUseCase {
  constructor(private readonly profiles: ProfileRepository) {}

  /** Idempotent: removing a missing profile succeeds. */
  async execute(userId: number, removedAt?: Date): Promise<void> {
    await this.profiles.remove(userId, removedAt);
  }
}
