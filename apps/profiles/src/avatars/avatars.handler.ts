import { MessagePattern, Payload } from '@nestjs/microservices';
import { AvatarLimitsDto, AvatarLocationDto, Empty, ProfileDto, ProfilesSubjects } from '@app/contracts';
import { BusController, Caller, parseRequest } from '@app/bus';
import { RecordActivityUseCase } from '../profiles/record-activity.usecase';
import { AvatarsUseCases } from './avatars.usecases';

@BusController()
export class AvatarsHandler {
  constructor(
    private readonly avatars: AvatarsUseCases,
    private readonly activity: RecordActivityUseCase,
  ) {}

  @MessagePattern(ProfilesSubjects.setAvatar.subject)
  set(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<ProfileDto> {
    const request = parseRequest(ProfilesSubjects.setAvatar, payload);
    return this.avatars.set(request.userId, request.upload, caller);
  }

  @MessagePattern(ProfilesSubjects.clearAvatar.subject)
  clear(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<ProfileDto> {
    return this.avatars.clear(parseRequest(ProfilesSubjects.clearAvatar, payload).userId, caller);
  }

  @MessagePattern(ProfilesSubjects.locateAvatar.subject)
  locate(@Payload() payload: unknown): Promise<AvatarLocationDto> {
    return this.avatars.locate(parseRequest(ProfilesSubjects.locateAvatar, payload).file);
  }

  @MessagePattern(ProfilesSubjects.avatarLimits.subject)
  limits(): AvatarLimitsDto {
    return this.avatars.limitsOf();
  }

  /** Last activity, coalesced by the gateway (Label Studio: unsafe requests by authenticated users). */
  @MessagePattern(ProfilesSubjects.recordActivity.subject)
  async recordActivity(@Payload() payload: unknown): Promise<Empty> {
    await this.activity.executeBatch(parseRequest(ProfilesSubjects.recordActivity, payload).entries);
    return {};
  }
}
