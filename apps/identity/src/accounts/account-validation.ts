import { CONTROL_CHARACTERS, EMAIL_MAX_LENGTH, isValidEmail, normaliseEmail } from './email-address';

/** A normalised value and the messages (Label Studio's wording) that make it unacceptable. */
export interface Checked {
  value: string;
  errors: string[];
}

const INVALID_EMAIL = 'Enter a valid email address.';

/** The web signup form (`UserSignupForm.email`): Django's form messages. */
export function checkSignupEmail(raw: string | null | undefined): Checked {
  const value = normaliseEmail(raw ?? '');
  if (!value) return { value, errors: ['Invalid email'] };
  if (!isValidEmail(value)) return { value, errors: [INVALID_EMAIL] };
  if (value.length >= EMAIL_MAX_LENGTH) return { value, errors: ['Email is too long'] };
  return { value, errors: [] };
}

/** DRF's CharField limits (`POST /api/users/`, `PATCH /api/users/{id}/`). */
export const FIELD_MAX_LENGTH = 256;
const REQUIRED = 'This field is required.';
const BLANK = 'This field may not be blank.';
const TOO_LONG = `Ensure this field has no more than ${FIELD_MAX_LENGTH} characters.`;

/** `POST /api/users/`'s email: DRF runs every validator and reports each failure. */
export function checkApiEmail(raw: string | null | undefined): Checked {
  if (raw === undefined || raw === null) return { value: '', errors: [REQUIRED] };
  const value = normaliseEmail(raw);
  if (!value) return { value, errors: [BLANK] };
  const errors: string[] = [];
  if (value.length > FIELD_MAX_LENGTH) errors.push(TOO_LONG);
  if (!isValidEmail(value)) errors.push(INVALID_EMAIL);
  return { value, errors };
}

/** A username (DRF CharField: trimmed, not blank, at most 256 characters, no control characters). */
export function checkUsername(raw: string | null | undefined): Checked {
  if (raw === undefined || raw === null) return { value: '', errors: [REQUIRED] };
  const value = raw.trim();
  if (!value) return { value, errors: [BLANK] };
  const errors: string[] = [];
  if (value.length > FIELD_MAX_LENGTH) errors.push(TOO_LONG);
  if (value.includes('\u0000')) errors.push('Null characters are not allowed.');
  else if (CONTROL_CHARACTERS.test(value)) errors.push('Control characters are not allowed.');
  return { value, errors };
}
