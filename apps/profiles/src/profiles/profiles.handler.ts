import { MessagePattern, Payload } from '@nestjs/microservices';
import { ProfileDto, ProfilesSubjects } from '@app/contracts';
import { BusController, Caller, parseRequest } from '@app/bus';
import { EnsureProfileUseCase } from './ensure-profile.usecase';
import { GetProfilesUseCase } from './get-profiles.usecase';
import { UpdateProfileUseCase } from './update-profile.usecase';

@BusController()
export class ProfilesHandler {
  constructor(
    private readonly ensureProfile: EnsureProfileUseCase,
    private readonly getProfiles: GetProfilesUseCase,
    private readonly updateProfile: UpdateProfileUseCase,
  ) {}

  @MessagePattern(ProfilesSubjects.ensureProfile.subject)
  async ensure(@Payload() payload: unknown): Promise<ProfileDto> {
    return this.ensureProfile.execute(parseRequest(ProfilesSubjects.ensureProfile, payload));
  }

  @MessagePattern(ProfilesSubjects.getProfile.subject)
  async get(@Payload() payload: unknown): Promise<ProfileDto> {
    return this.getProfiles.one(parseRequest(ProfilesSubjects.getProfile, payload).userId);
  }

  @MessagePattern(ProfilesSubjects.listProfiles.subject)
  async list(@Payload() payload: unknown): Promise<ProfileDto[]> {
    return this.getProfiles.many(parseRequest(ProfilesSubjects.listProfiles, payload).userIds);
  }

  @MessagePattern(ProfilesSubjects.updateProfile.subject)
  async update(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<ProfileDto> {
    return this.updateProfile.execute(parseRequest(ProfilesSubjects.updateProfile, payload), caller);
  }
}
