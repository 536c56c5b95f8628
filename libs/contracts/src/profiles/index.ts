import { request, Empty } from '../contract';
import { ProfileDto } from '../users';

export interface EnsureProfileRequest {
  userId: number;
  allowNewsletters: boolean | null;
}
export interface GetProfileRequest {
  userId: number;
}
export interface ListProfilesRequest {
  userIds: number[];
}
export interface UpdateProfileRequest {
  userId: number;
  firstName?: string;
  lastName?: string;
  phone?: string;
  allowNewsletters?: boolean | null;
  customHotkeys?: Record<string, unknown>;
}
export interface RemoveProfileRequest {
  userId: number;
}

export const ProfilesSubjects = {
  ensureProfile: request<EnsureProfileRequest, ProfileDto>('profiles.profile.ensure.v1'),
  getProfile: request<GetProfileRequest, ProfileDto>('profiles.profile.get.v1'),
  listProfiles: request<ListProfilesRequest, ProfileDto[]>('profiles.profile.list.v1'),
  updateProfile: request<UpdateProfileRequest, ProfileDto>('profiles.profile.update.v1'),
  removeProfile: request<RemoveProfileRequest, Empty>('profiles.profile.remove.v1'),
} as const;
