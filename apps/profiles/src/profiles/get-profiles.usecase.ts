import { Injectable } from '@nestjs/common';
import { ErrorCode, ProfileDto } from '@app/contracts';
import { fail } from '@app/bus';
import { toProfileDto } from './profile.mapper';
import { ProfileRepository } from './profile.repository';

@Injectable()
export class GetProfilesUseCase {
  constructor(private readonly profiles: ProfileRepository) {}

  async one(userId: number): Promise<ProfileDto> {
    const profile = await this.profiles.findById(userId);
    // Label Studio's 404 text for a user: profiles answers for the user record it is part of.
    return profile ? toProfileDto(profile) : fail(ErrorCode.NotFound, 'No User matches the given query.');
  }

  /** Ordered by user id; ids without a profile are left out. */
  async many(userIds: number[]): Promise<ProfileDto[]> {
    const profiles = await this.profiles.findByIds([...new Set(userIds)]);
    return profiles.map(toProfileDto);
  }
}
