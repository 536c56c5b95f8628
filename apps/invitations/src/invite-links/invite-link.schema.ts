import { z } from 'zod';
import { idSchema } from '../memberships/membership-requests.schema';

export const inviteLinkSchema = z
  .object({ userId: idSchema.optional(), organizationId: idSchema.optional() })
  .refine((value) => value.userId === undefined || value.organizationId === undefined, {
    message: 'Give userId or organizationId, not both.',
  });
export type InviteLinkInput = z.infer<typeof inviteLinkSchema>;
