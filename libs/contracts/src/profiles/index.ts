import { z } from 'zod';
import { Empty, emptySchema, ObjectStoreContract, request, returns } from '../contract';
import { idSchema, isoDateSchema, userIdListSchema } from '../schemas';
import { ProfileDto } from '../users';

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

export interface ProjectRefDto {
  id: number;
  title: string;
}
export interface ContributionsDto {
  userId: number;
  createdProjects: ProjectRefDto[];
  contributedToProjects: ProjectRefDto[];
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
  /** Label Studio's words for a file that is not a readable image (empty, truncated, garbage). */
  unreadableMessage: "Can't read image, try another one",
  storageUnavailableMessage: 'Avatar storage is unavailable. Try again later.',
  /** The names profiles gives stored files (32 random hex digits); nothing else is ever served. */
  namePattern: /^[0-9a-f]{32}\.(png|jpg|webp)$/,
} as const;

/** The JetStream object store that carries avatar uploads from the gateway to profiles. */
export const AvatarUploads: ObjectStoreContract = {
  bucket: 'avatar-uploads',
  /** Uploads nobody picked up expire after this long. */
  ttlSeconds: 900,
  writers: ['gateway'],
  readers: ['profiles'],
};

const userIdSchema = z.object({ userId: idSchema });

/** The fields stay unknown here: the use-case validates them with Label Studio's field names and messages. */
const updateProfileSchema = z.object({
  userId: idSchema,
  firstName: z.unknown(),
  lastName: z.unknown(),
  phone: z.unknown(),
  allowNewsletters: z.unknown(),
  customHotkeys: z.unknown(),
});

/**
 * A new avatar for `userId`: the uploaded bytes wait in the JetStream object store
 * `AvatarUploads.bucket` under the name `upload`. Profiles decodes, checks and re-encodes them,
 * stores the result under a key of its own, and deletes the upload.
 */
const setAvatarSchema = z.object({ userId: idSchema, upload: z.string().uuid() });
/** `file` is the last segment of an avatar path (`/data/avatars/<file>`). */
const locateAvatarSchema = z.object({ file: z.string().max(64) });
/** Coalesced activity (unsafe requests by authenticated users): the newest time per user. */
const recordActivitySchema = z.object({
  entries: z
    .array(z.object({ userId: idSchema, at: isoDateSchema.transform((value) => new Date(value)) }))
    .max(10_000),
});
export type RecordActivityRequest = z.input<typeof recordActivitySchema>;

/** People page lists, scoped to one organization's projects. */
const listContributionsSchema = z.object({
  organizationId: idSchema,
  userIds: userIdListSchema,
  /** At most this many projects per list (the membership detail endpoint uses 100). */
  limit: z.number().int().positive().max(2_147_483_647).optional(),
});
export type ListContributionsRequest = z.input<typeof listContributionsSchema>;
const countContributionsSchema = z.object({ organizationId: idSchema, userId: idSchema });
export type CountContributionsRequest = z.input<typeof countContributionsSchema>;

export const ProfilesSubjects = {
  ensureProfile: request({
    subject: 'profiles.profile.ensure.v1',
    schema: z.object({ userId: idSchema, allowNewsletters: z.boolean().nullable().default(null) }),
    reply: returns<ProfileDto>(),
    from: ['gateway', 'admin'],
    servedBy: 'profiles',
  }),
  getProfile: request({
    subject: 'profiles.profile.get.v1',
    schema: userIdSchema,
    reply: returns<ProfileDto>(),
    from: ['gateway'],
    servedBy: 'profiles',
  }),
  listProfiles: request({
    subject: 'profiles.profile.list.v1',
    schema: z.object({ userIds: userIdListSchema }),
    reply: returns<ProfileDto[]>(),
    from: ['gateway', 'admin'],
    servedBy: 'profiles',
  }),
  updateProfile: request({
    subject: 'profiles.profile.update.v1',
    schema: updateProfileSchema,
    reply: returns<ProfileDto>(),
    from: ['gateway'],
    servedBy: 'profiles',
  }),
  setAvatar: request({
    subject: 'profiles.avatar.set.v1',
    schema: setAvatarSchema,
    reply: returns<ProfileDto>(),
    from: ['gateway'],
    servedBy: 'profiles',
  }),
  clearAvatar: request({
    subject: 'profiles.avatar.clear.v1',
    schema: userIdSchema,
    reply: returns<ProfileDto>(),
    from: ['gateway'],
    servedBy: 'profiles',
  }),
  locateAvatar: request({
    subject: 'profiles.avatar.locate.v1',
    schema: locateAvatarSchema,
    reply: returns<AvatarLocationDto>(),
    from: ['gateway'],
    servedBy: 'profiles',
  }),
  avatarLimits: request({
    subject: 'profiles.avatar.limits.v1',
    schema: emptySchema,
    reply: returns<AvatarLimitsDto>(),
    from: ['gateway'],
    servedBy: 'profiles',
  }),
  recordActivity: request({
    subject: 'profiles.activity.record.v1',
    schema: recordActivitySchema,
    reply: returns<Empty>(),
    from: ['gateway'],
    servedBy: 'profiles',
  }),
  listContributions: request({
    subject: 'profiles.contributions.list.v1',
    schema: listContributionsSchema,
    reply: returns<ContributionsDto[]>(),
    from: ['gateway'],
    servedBy: 'profiles',
  }),
  countContributions: request({
    subject: 'profiles.contributions.count.v1',
    schema: countContributionsSchema,
    reply: returns<ContributionCountsDto>(),
    from: ['gateway'],
    servedBy: 'profiles',
  }),
} as const;
