import { Injectable } from '@nestjs/common';
import { ProfileRepository } from './profile.repository';

@Injectable()
export class RecordActivityUseCase {
  constructor(private readonly profiles: ProfileRepository) {}

  /**
   * Label Studio (newest) stamps `last_activity` at login. Only ever moves forward, so redelivered
   * or reordered events change nothing. False when the account was removed since.
   */
  async execute(userId: number, at: Date): Promise<boolean> {
    return this.profiles.recordActivity(userId, at);
  }
}
