import { z } from 'zod';
import { UpdateOrganizationRequest } from '@app/contracts';
import { ApiError } from '../errors/api-error';
import { parseBody } from '../http/input';

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const email = z.string().email();

interface TextRules {
  max: number;
  required: boolean;
  allowNull: boolean;
  allowBlank: boolean;
  /** A further rule on a non-blank value: the message when it fails. */
  check?: (text: string) => string | undefined;
}

/**
 * A DRF CharField as Label Studio's OrganizationSerializer declares it: numbers coerced,
 * whitespace trimmed, DRF's messages for a missing, null, blank or too long value.
 */
const textField = (rules: TextRules) =>
  z.unknown().transform((value, ctx): string | null | undefined => {
    const refuse = (message: string) => {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return z.NEVER;
    };
    if (value === undefined) return rules.required ? refuse('This field is required.') : undefined;
    if (value === null) return rules.allowNull ? null : refuse('This field may not be null.');
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value)))
      return refuse('Not a valid string.');
    const text = String(value).trim();
    if (text.includes('\u0000')) return refuse('Null characters are not allowed.');
    if (CONTROL.test(text)) return refuse('Control characters are not allowed.');
    if (text === '') return rules.allowBlank ? '' : refuse('This field may not be blank.');
    if (text.length > rules.max) return refuse(`Ensure this field has no more than ${rules.max} characters.`);
    const problem = rules.check?.(text);
    return problem ? refuse(problem) : text;
  });

/**
 * Writable: `title`, `contact_info` and, as in Label Studio, the invite `token`. `created_by`,
 * `allow_unsafe_instruction_tags`, `users` and anything else are ignored, never saved. PUT is a
 * full update, so `title` is required there.
 */
export const organizationChangeSchema = (full: boolean) =>
  z.object({
    title: textField({ max: 1000, required: full, allowNull: false, allowBlank: false }),
    contact_info: textField({
      max: 254,
      required: false,
      allowNull: true,
      allowBlank: true,
      check: (text) => (email.safeParse(text).success ? undefined : 'Enter a valid email address.'),
    }),
    // The token travels in the invite link's query string and is compared as printable ASCII.
    token: textField({
      max: 256,
      required: false,
      allowNull: false,
      allowBlank: false,
      check: (text) =>
        /^[\x21-\x7e]+$/.test(text) ? undefined : 'Enter a token of printable characters without spaces.',
    }),
  });

export function parseOrganizationChange(
  organizationId: number,
  body: unknown,
  { full }: { full: boolean },
): UpdateOrganizationRequest {
  const input = parseBody(organizationChangeSchema(full), body);
  const change: UpdateOrganizationRequest = { organizationId };
  if (typeof input.title === 'string') change.title = input.title;
  if (input.contact_info !== undefined) change.contactInfo = input.contact_info;
  if (typeof input.token === 'string') change.token = input.token;
  return change;
}

/** Label Studio's `bool_from_request` for `contributed_to_projects` (absent: false). */
export function projectListsRequested(raw: unknown): boolean {
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (value === undefined) return false;
  const word = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (['true', 'yes', 'on', '1'].includes(word)) return true;
  if (['false', 'no', 'not', 'off', '0'].includes(word)) return false;
  throw new ApiError(400, 'Incorrect value in key "contributed_to_projects". It should be boolean');
}
