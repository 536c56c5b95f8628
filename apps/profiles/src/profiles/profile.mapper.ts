import { ProfileDto } from '@app/contracts';
import { ProfileEntity } from './profile.entity';

/** Where avatars are served from (Label Studio's `/data/avatars/<file>`). */
export const AVATAR_PATH_PREFIX = '/data/avatars/';

export function toProfileDto(profile: ProfileEntity): ProfileDto {
  return {
    userId: profile.userId,
    firstName: profile.firstName,
    lastName: profile.lastName,
    phone: profile.phone,
    allowNewsletters: profile.allowNewsletters,
    customHotkeys: profile.customHotkeys ?? {},
    avatar: profile.avatarKey ? `${AVATAR_PATH_PREFIX}${profile.avatarKey}` : null,
    lastActivity: profile.lastActivity ? profile.lastActivity.toISOString() : null,
  };
}
