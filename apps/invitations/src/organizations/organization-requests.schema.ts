import { z } from 'zod';
import { idSchema } from '../memberships/membership-requests.schema';

const NO_CONTROL = /^[^\p{Cc}]*$/u;

export const listOrganizationsSchema = z.object({ userId: idSchema });
export const getOrganizationSchema = z.object({ organizationId: idSchema });

/**
 * The writable fields of Label Studio's `OrganizationSerializer` (the invite token included, as
 * there); `created_by` and anything else never reach the database. The gateway checks the same
 * rules with Label Studio's field names and messages; these are the service's own floor.
 */
export const updateOrganizationSchema = z.object({
  organizationId: idSchema,
  title: z
    .string()
    .trim()
    .min(1, 'This field may not be blank.')
    .max(1000, 'Ensure this field has no more than 1000 characters.')
    .regex(NO_CONTROL, 'Control characters are not allowed.')
    .optional(),
  contactInfo: z
    .union([z.literal(''), z.string().trim().max(254).email('Enter a valid email address.')])
    .nullable()
    .optional(),
  // The token travels in a link's query string and is compared as printable ASCII.
  token: z
    .string()
    .min(1, 'This field may not be blank.')
    .max(256, 'Ensure this field has no more than 256 characters.')
    .regex(/^[\x21-\x7e]+$/, 'Only printable characters without spaces are allowed.')
    .optional(),
});
export type UpdateOrganizationInput = z.infer<typeof updateOrganizationSchema>;
