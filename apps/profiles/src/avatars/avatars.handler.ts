import { MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { AvatarLimitsDto, AvatarLocationDto, Empty, ProfileDto, ProfilesSubjects } from '@app/contracts';
import { BusController, parsePayload } from '@app/bus';
import { userIdSchema } from '../profiles/profile-requests.schema';
import { ProfileRepository } from '../profiles/profile.repository';
import { AvatarsUseCases } from './avatars.usecases';

const setAvatarSchema = z.object({ userId: userIdSchema, upload: z.string().uuid() });
const clearAvatarSchema = z.object({ userId: userIdSchema });
const locateAvatarSchema = z.object({ file: z.string().max(64) });
const recordActivitySchema = z.object({
  entries: z
    .array(
      z.object({
        userId: userIdSchema,
        at: z
          .string()
          .datetime({ offset: true })
          .transform((value) => new Date(value)),
      }),
    )
    .max(10_000),
});

@BusController()
export class AvatarsHandler {
  constructor(
    private readonly avatars: AvatarsUseCases,
    private readonly profiles: ProfileRepository,
  ) {}

  @MessagePattern(ProfilesSubjects.setAvatar.subject)
  set(@Payload() payload: unknown): Promise<ProfileDto> {
    const request = parsePayload(setAvatarSchema, payload);
    return this.avatars.set(request.userId, request.upload);
  }

  @MessagePattern(ProfilesSubjects.clearAvatar.subject)
  clear(@Payload() payload: unknown): Promise<ProfileDto> {
    return this.avatars.clear(parsePayload(clearAvatarSchema, payload).userId);
  }

  @MessagePattern(ProfilesSubjects.locateAvatar.subject)
  locate(@Payload() payload: unknown): Promise<AvatarLocationDto> {
    return this.avatars.locate(parsePayload(locateAvatarSchema, payload).file);
  }

  @MessagePattern(ProfilesSubjects.avatarLimits.subject)
  limits(): AvatarLimitsDto {
    return this.avatars.limitsOf();
  }

  /** Last activity, coalesced by the gateway (Label Studio: unsafe requests by authenticated users). */
  @MessagePattern(ProfilesSubjects.recordActivity.subject)
  async recordActivity(@Payload() payload: unknown): Promise<Empty> {
    await this.profiles.recordActivities(parsePayload(recordActivitySchema, payload).entries);
    return {};
  }
}
