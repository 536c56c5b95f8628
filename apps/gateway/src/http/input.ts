import { z, ZodTypeAny } from 'zod';
import { FieldErrors } from '@app/contracts';
import { notFound, validationFailed } from '../errors/api-error';

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A path id as Label Studio's `<int:pk>` matches it; anything else is a 404, never a 500. */
export function parseId(raw: string): number {
  if (!/^[0-9]{1,10}$/.test(raw)) throw notFound();
  const id = Number(raw);
  if (id < 1 || id > 2_147_483_647) throw notFound();
  return id;
}

/** DRF CharField: strings (numbers are coerced), a length cap, no NUL or control characters. */
export const charField = (max = 256) =>
  z
    .union([z.string(), z.number().finite()], { errorMap: () => ({ message: 'Not a valid string.' }) })
    .transform((v) => String(v))
    .refine((v) => !v.includes('\u0000'), 'Null characters are not allowed.')
    .refine((v) => !CONTROL.test(v), 'Control characters are not allowed.')
    .refine((v) => v.length <= max, `Ensure this field has no more than ${max} characters.`);

/** DRF BooleanField (JSON booleans, or the words a form sends). */
export const booleanField = z.union(
  [
    z.boolean(),
    z
      .string()
      .transform((v) => v.trim().toLowerCase())
      .pipe(z.enum(['true', 'false', 'on', 'off', '1', '0', 'yes', 'no']))
      .transform((v) => ['true', 'on', '1', 'yes'].includes(v)),
  ],
  { errorMap: () => ({ message: 'Must be a valid boolean.' }) },
);

export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : 'non_field_errors';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

/** Parses a request body; a bad one is a 400 in Label Studio's envelope. */
export function parseBody<S extends ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  const input = body === undefined || body === null ? {} : body;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw validationFailed({ non_field_errors: ['Invalid data. Expected a dictionary.'] });
  }
  const result = schema.safeParse(input);
  if (!result.success) throw validationFailed(fieldErrors(result.error));
  return result.data;
}
