import { ZodError } from 'zod';
import { FieldErrors } from '@app/contracts';

/** Zod issues as Label Studio's `validation_errors` shape (field → messages). */
export function zodFieldErrors(error: ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : 'non_field_errors';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}
