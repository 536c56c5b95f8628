import { z } from 'zod';

/** Ids are Postgres `integer`s: anything outside is an input error, not a database error. */
export const idSchema = z.number().int().positive().max(2_147_483_647);

export const ensureMembershipSchema = z.object({
  userId: idSchema,
  // Identity validated and normalised the address; here it only has to be a sane string.
  email: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[^\s\p{Cc}]+$/u, 'Enter a valid email address.'),
  organizationId: idSchema.nullable(),
  setActiveOrganization: z.boolean(),
  // Only compared with the stored token; its format was judged when the signup was authorized.
  inviteToken: z.string().max(256).optional(),
});
export type EnsureMembershipInput = z.infer<typeof ensureMembershipSchema>;

export const contextSchema = z.object({ userId: idSchema });
export const contextListSchema = z.object({ userIds: z.array(idSchema).max(1000) });
export const listMembersSchema = z.object({ organizationId: idSchema });
export const getMemberSchema = z.object({ organizationId: idSchema, userId: idSchema });
export const removeUserSchema = z.object({ userId: idSchema });
export const removeMemberSchema = z.object({ organizationId: idSchema, userId: idSchema });

/** Who a request acts for (`@Caller()`): a user id, the operator's CLI, or a system call (undefined). */
export type BusCaller = number | 'admin' | undefined;
