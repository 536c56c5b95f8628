import { FieldErrors } from '@app/contracts';
import { validateCustomHotkeys } from './custom-hotkeys.validator';
import { ProfileChanges } from './profile.repository';

export const MAX_TEXT_LENGTH = 256;

/** The update request's fields before validation (the bus delivers whatever the sender put there). */
export interface ProfileChangesInput {
  firstName?: unknown;
  lastName?: unknown;
  phone?: unknown;
  allowNewsletters?: unknown;
  customHotkeys?: unknown;
}

export type ProfileChangesResult = { ok: true; changes: ProfileChanges } | { ok: false; fields: FieldErrors };

type FieldResult<T> = { ok: true; value: T } | { ok: false; messages: string[] };

const TEXT_FIELDS = [
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['phone', 'phone'],
] as const;

// DRF BooleanField's accepted words (form-encoded bodies arrive as strings).
const TRUE_VALUES = new Set<unknown>([
  't',
  'T',
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'true',
  'True',
  'TRUE',
  'on',
  'On',
  'ON',
  '1',
  1,
  true,
]);
const FALSE_VALUES = new Set<unknown>([
  'f',
  'F',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'false',
  'False',
  'FALSE',
  'off',
  'Off',
  'OFF',
  '0',
  0,
  false,
]);
const NULL_VALUES = new Set<unknown>(['null', 'Null', 'NULL', '', null]);

const CONTROL_CHARACTER = /[\p{Cc}]/u;
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * DRF `CharField(max_length=256, allow_blank=True)`: numbers become strings, surrounding whitespace
 * is trimmed, and every validator's message is collected. Control characters other than NUL are
 * refused too (Label Studio lets them through; the security requirements do not).
 */
export function validateText(input: unknown): FieldResult<string> {
  if (input === null) return { ok: false, messages: ['This field may not be null.'] };
  let text: string;
  if (typeof input === 'string') text = input;
  else if (typeof input === 'number' && Number.isFinite(input)) text = String(input);
  else return { ok: false, messages: ['Not a valid string.'] };
  text = text.trim();
  const messages: string[] = [];
  if ([...text].length > MAX_TEXT_LENGTH) {
    messages.push(`Ensure this field has no more than ${MAX_TEXT_LENGTH} characters.`);
  }
  if (text.includes('\0')) messages.push('Null characters are not allowed.');
  if (CONTROL_CHARACTER.test(text.replaceAll('\0', ''))) messages.push('Control characters are not allowed.');
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate) {
    const codePoint = surrogate[0].charCodeAt(0).toString(16).toUpperCase();
    messages.push(`Surrogate characters are not allowed: U+${codePoint}.`);
  }
  return messages.length ? { ok: false, messages } : { ok: true, value: text };
}

/** DRF `BooleanField(allow_null=True)`. */
export function validateNullableBoolean(input: unknown): FieldResult<boolean | null> {
  if (NULL_VALUES.has(input)) return { ok: true, value: null };
  if (TRUE_VALUES.has(input)) return { ok: true, value: true };
  if (FALSE_VALUES.has(input)) return { ok: true, value: false };
  return { ok: false, messages: ['Must be a valid boolean.'] };
}

/** Validates every present field; errors are keyed by Label Studio's snake_case field names. */
export function validateProfileChanges(input: ProfileChangesInput): ProfileChangesResult {
  const changes: ProfileChanges = {};
  const fields: FieldErrors = {};
  for (const [name, wireName] of TEXT_FIELDS) {
    if (input[name] === undefined) continue;
    const result = validateText(input[name]);
    if (result.ok) changes[name] = result.value;
    else fields[wireName] = result.messages;
  }
  if (input.allowNewsletters !== undefined) {
    const result = validateNullableBoolean(input.allowNewsletters);
    if (result.ok) changes.allowNewsletters = result.value;
    else fields.allow_newsletters = result.messages;
  }
  if (input.customHotkeys !== undefined) {
    const result = validateCustomHotkeys(input.customHotkeys);
    if (result.ok) changes.customHotkeys = result.value;
    else fields.custom_hotkeys = [result.message];
  }
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true, changes };
}
