import { Injectable } from '@nestjs/common';
import { ErrorCode, ProfileDto } from '@app/contracts';
import { fail } from '@app/bus';
import { OutboxRelay } from '@app/database';
import { toProfileDto } from './profile.mapper';
import { ProfileRepository } from './profile.repository';

export interface EnsureProfileCommand {
  userId: number;
  allowNewsletters: boolean | null;
}

@Injectable()
export class EnsureProfileUseCase {
  constructor(
    private readonly profiles: ProfileRepository,
    private readonly relay: OutboxRelay,
  ) {}

  /** Idempotent and safe under concurrency: every caller gets the same single profile. */
  async execute(command: EnsureProfileCommand): Promise<ProfileDto> {
    const profile = await this.profiles.ensure(command.userId, command.allowNewsletters);
    this.relay.kick();
    return profile ? toProfileDto(profile) : fail(ErrorCode.NotFound, 'No User matches the given query.');
  }

  /**
   * The same for a registration event, which may be processed after the account's deletion (the
   * consumers run independently): false, and no profile, when it was removed since `registeredAt`.
   */
  async onRegistered(command: EnsureProfileCommand & { registeredAt: Date }): Promise<boolean> {
    const profile = await this.profiles.ensure(
      command.userId,
      command.allowNewsletters,
      command.registeredAt,
    );
    this.relay.kick();
    return profile !== null;
  }
}
