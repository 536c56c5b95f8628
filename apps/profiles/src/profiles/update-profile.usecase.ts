import { Injectable } from '@nestjs/common';
import { ErrorCode, ProfileDto } from '@app/contracts';
import { fail } from '@app/bus';
import { OutboxRelay } from '@app/database';
import { profileChangeAudit } from '../audit/profile-audit';
import { ProfileChangesInput, validateProfileChanges } from './profile-changes.validator';
import { toProfileDto } from './profile.mapper';
import { ProfileRepository } from './profile.repository';

export interface UpdateProfileCommand extends ProfileChangesInput {
  userId: number;
}

@Injectable()
export class UpdateProfileUseCase {
  constructor(
    private readonly profiles: ProfileRepository,
    private readonly relay: OutboxRelay,
  ) {}

  /** All fields are checked before anything is written; then one atomic statement applies them. */
  async execute(command: UpdateProfileCommand, actor?: number): Promise<ProfileDto> {
    const result = validateProfileChanges(command);
    if (!result.ok) return fail(ErrorCode.ValidationFailed, 'Validation error', result.fields);
    const fields = Object.keys(result.changes).filter(
      (field) => result.changes[field as keyof typeof result.changes] !== undefined,
    );
    const profile = await this.profiles.upsert(
      command.userId,
      result.changes,
      profileChangeAudit(command.userId, actor, fields),
    );
    this.relay.kick();
    return toProfileDto(profile);
  }
}
