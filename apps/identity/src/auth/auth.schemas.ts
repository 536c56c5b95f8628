import { z } from 'zod';
import { clientIpSchema } from '../accounts/account.schemas';

export const loginSchema = z.object({
  email: z.string().nullish(),
  password: z.string().nullish(),
  persistent: z.boolean().optional().default(false),
  clientIp: clientIpSchema,
});
export type LoginInput = z.infer<typeof loginSchema>;

/** Any value is accepted here: a malformed key is an authentication failure, not a 400. */
export const credentialSchema = z.object({ key: z.unknown() });
