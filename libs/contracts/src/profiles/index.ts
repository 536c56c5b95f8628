import { request, Empty } from '../contract';
import { IsoDate, ProfileDto } from '../users';

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

/**
 * A new avatar for `userId`: the uploaded bytes wait in the JetStream object store
 * `AvatarUploads.bucket` under the name `upload`. Profiles decodes, checks and re-encodes them,
 * stores the result under a key of its own, and deletes the upload.
 */
export interface SetAvatarRequest {
  userId: number;
  upload: string;
}
export interface ClearAvatarRequest {
  userId: number;
}
/** `file` is the last segment of an avatar path (`/data/avatars/<file>`). */
export interface LocateAvatarRequest {
  file: string;
}
/** Where the gateway may read the image for a short while, and the type to serve it with. */
export interface AvatarLocationDto {
  url: string;
  contentType: string;
  size: number;
}

/** The avatar limits profiles applies (configurable), so pages can say and check them. */
export interface AvatarLimitsDto {
  maxWidth: number;
  maxHeight: number;
  maxBytes: number;
}

/** Coalesced activity (unsafe requests by authenticated users): the newest time per user. */
export interface RecordActivityRequest {
  entries: Array<{ userId: number; at: IsoDate }>;
}

export interface ProjectRefDto {
  id: number;
  title: string;
}
/** People page lists, scoped to one organization's projects. */
export interface ListContributionsRequest {
  organizationId: number;
  userIds: number[];
  /** At most this many projects per list (the membership detail endpoint uses 100). */
  limit?: number;
}
export interface ContributionsDto {
  userId: number;
  createdProjects: ProjectRefDto[];
  contributedToProjects: ProjectRefDto[];
}
export interface CountContributionsRequest {
  organizationId: number;
  userId: number;
}
export interface ContributionCountsDto {
  /** Distinct projects of the organization the user annotated in. */
  contributedProjectsCount: number;
  annotationsCount: number;
}

/** What the gateway and profiles agree on about avatar files (Label Studio's size limit and messages). */
export const AvatarFiles = {
  /** Label Studio's limit, 1 MiB. */
  maxBytes: 1024 * 1024,
  fileSizeMessage: 'Avatar file size may not exceed 1024.0 kb',
  storageUnavailableMessage: 'Avatar storage is unavailable. Try again later.',
  /** The names profiles gives stored files (32 random hex digits); nothing else is ever served. */
  namePattern: /^[0-9a-f]{32}\.(png|jpg|webp)$/,
} as const;

/** The JetStream object store that carries avatar uploads from the gateway to profiles. */
export const AvatarUploads = {
  bucket: 'avatar-uploads',
  /** Uploads nobody picked up expire after this long. */
  ttlSeconds: 900,
} as const;

export const ProfilesSubjects = {
  ensureProfile: request<EnsureProfileRequest, ProfileDto>('profiles.profile.ensure.v1'),
  getProfile: request<GetProfileRequest, ProfileDto>('profiles.profile.get.v1'),
  listProfiles: request<ListProfilesRequest, ProfileDto[]>('profiles.profile.list.v1'),
  updateProfile: request<UpdateProfileRequest, ProfileDto>('profiles.profile.update.v1'),
  removeProfile: request<RemoveProfileRequest, Empty>('profiles.profile.remove.v1'),
  setAvatar: request<SetAvatarRequest, ProfileDto>('profiles.avatar.set.v1'),
  clearAvatar: request<ClearAvatarRequest, ProfileDto>('profiles.avatar.clear.v1'),
  locateAvatar: request<LocateAvatarRequest, AvatarLocationDto>('profiles.avatar.locate.v1'),
  avatarLimits: request<Empty, AvatarLimitsDto>('profiles.avatar.limits.v1'),
  recordActivity: request<RecordActivityRequest, Empty>('profiles.activity.record.v1'),
  listContributions: request<ListContributionsRequest, ContributionsDto[]>('profiles.contributions.list.v1'),
  countContributions: request<CountContributionsRequest, ContributionCountsDto>(
    'profiles.contributions.count.v1',
  ),
} as const;
