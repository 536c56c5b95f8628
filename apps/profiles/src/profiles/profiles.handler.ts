import { MessagePattern, Payload } from '@nestjs/microservices';
import { Empty, ProfileDto, ProfilesSubjects } from '@app/contracts';
import { BusController, parsePayload } from '@app/bus';
import { EnsureProfileUseCase } from './ensure-profile.usecase';
import { GetProfilesUseCase } from './get-profiles.usecase';
import {
  ensureProfileSchema,
  listProfilesSchema,
  updateProfileSchema,
  userIdRequestSchema,
} from './profile-requests.schema';
import { RemoveProfileUseCase } from './remove-profile.usecase';
import { UpdateProfileUseCase } from './update-profile.usecase';

@BusController()
export class ProfilesHandler {
  constructor(
    private readonly ensureProfile: EnsureProfileUseCase,
    private readonly getProfiles: GetProfilesUseCase,
    private readonly updateProfile: UpdateProfileUseCase,
    private readonly removeProfile: RemoveProfileUseCase,
  ) {}

  @MessagePattern(ProfilesSubjects.ensureProfile.subject)
  async ensure(@Payload() payload: unknown): Promise<ProfileDto> {
    return this.ensureProfile.execute(parsePayload(ensureProfileSchema, payload));
  }

  @MessagePattern(ProfilesSubjects.getProfile.subject)
  async get(@Payload() payload: unknown): Promise<ProfileDto> {
    return this.getProfiles.one(parsePayload(userIdRequestSchema, payload).userId);
  }

  @MessagePattern(ProfilesSubjects.listProfiles.subject)
  async list(@Payload() payload: unknown): Promise<ProfileDto[]> {
    return this.getProfiles.many(parsePayload(listProfilesSchema, payload).userIds);
  }

  @MessagePattern(ProfilesSubjects.updateProfile.subject)
  async update(@Payload() payload: unknown): Promise<ProfileDto> {
    return this.updateProfile.execute(parsePayload(updateProfileSchema, payload));
  }

  @MessagePattern(ProfilesSubjects.removeProfile.subject)
  async remove(@Payload() payload: unknown): Promise<Empty> {
    await this.removeProfile.execute(parsePayload(userIdRequestSchema, payload).userId);
    return {};
  }
}
