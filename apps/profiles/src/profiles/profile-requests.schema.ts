import { z } from 'zod';

/** Postgres `integer`: anything larger would be a database error, not a 404. */
export const userIdSchema = z.number().int().positive().max(2_147_483_647);

export const ensureProfileSchema = z.object({
  userId: userIdSchema,
  allowNewsletters: z.boolean().nullable().default(null),
});

export const userIdRequestSchema = z.object({ userId: userIdSchema });

export const listProfilesSchema = z.object({ userIds: z.array(userIdSchema).max(1000) });

/** The fields stay unknown here: the use-case validates them with Label Studio's field names and messages. */
export const updateProfileSchema = z.object({
  userId: userIdSchema,
  firstName: z.unknown(),
  lastName: z.unknown(),
  phone: z.unknown(),
  allowNewsletters: z.unknown(),
  customHotkeys: z.unknown(),
});
