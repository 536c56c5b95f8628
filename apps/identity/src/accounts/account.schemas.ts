import { z } from 'zod';

/** Ids (accounts, organizations) are Postgres integers. */
export const idSchema = z.number().int().positive().max(2_147_483_647);

/** A client address as the gateway saw it; only recorded and used as a throttle key. */
export const clientIpSchema = z.string().max(100).optional();

// Strings are left optional here: the use-cases answer with Label Studio's own field messages.
export const registerSchema = z.object({
  email: z.string().nullish(),
  password: z.string().nullish(),
  allowNewsletters: z.boolean().nullish(),
  organizationId: idSchema.nullable(),
  clientIp: clientIpSchema,
  openSession: z.boolean().optional(),
});
export type RegisterInput = z.infer<typeof registerSchema>;

export const createAccountSchema = z.object({
  email: z.string().nullish(),
  username: z.string().nullish(),
  organizationId: idSchema,
});
export type CreateAccountInput = z.infer<typeof createAccountSchema>;

export const userIdRequestSchema = z.object({ userId: idSchema });

export const userIdsRequestSchema = z.object({ userIds: z.array(idSchema).max(1000) });

export const updateAccountSchema = z.object({
  userId: idSchema,
  username: z.string().nullish(),
});
export type UpdateAccountInput = z.infer<typeof updateAccountSchema>;

/** Any string: an address that cannot exist simply matches no account. */
export const findAccountSchema = z.object({ email: z.string() });

export const listAllAccountsSchema = z.object({
  offset: z.number().int().min(0).max(2_147_483_647),
  limit: z.number().int().min(1).max(1000),
});
export type ListAllAccountsInput = z.infer<typeof listAllAccountsSchema>;

// The use-cases answer bad values with Label Studio's messages; only the types are checked here.
export const provisionAccountSchema = z.object({
  email: z.string(),
  password: z.string(),
  token: z.string().optional(),
});
export type ProvisionAccountInput = z.infer<typeof provisionAccountSchema>;

export const setPasswordSchema = z.object({ userId: idSchema, password: z.string() });
export type SetPasswordInput = z.infer<typeof setPasswordSchema>;

export const setActiveSchema = z.object({ userId: idSchema, active: z.boolean() });
export type SetActiveInput = z.infer<typeof setActiveSchema>;
