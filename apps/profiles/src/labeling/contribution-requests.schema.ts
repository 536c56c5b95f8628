import { z } from 'zod';
import { userIdSchema } from '../profiles/profile-requests.schema';

const organizationIdSchema = z.number().int().positive().max(2_147_483_647);

export const listContributionsSchema = z.object({
  organizationId: organizationIdSchema,
  userIds: z.array(userIdSchema).max(1000),
  limit: z.number().int().positive().max(2_147_483_647).optional(),
});

export const countContributionsSchema = z.object({
  organizationId: organizationIdSchema,
  userId: userIdSchema,
});
