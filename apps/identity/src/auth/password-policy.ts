import { dictionary } from '@zxcvbn-ts/language-common';

/** Label Studio's `PasswordLengthValidator(min_length=8, max_length=128)`; note the EN DASH (U+2013). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const PASSWORD_LENGTH_MESSAGE = `Please enter a password ${PASSWORD_MIN_LENGTH}\u2013${PASSWORD_MAX_LENGTH} characters in length.`;

/** Django's `UserAttributeSimilarityValidator` default. */
export const MAX_SIMILARITY = 0.7;
export const PASSWORD_TOO_SIMILAR_MESSAGE = 'The password is too similar to the email address.';

/** Django's `CommonPasswordValidator` message. */
export const PASSWORD_TOO_COMMON_MESSAGE = 'This password is too common.';

/**
 * NIST SP 800-63B 5.1.1.2: refuse passwords found in lists of commonly used and breached ones. The
 * list is zxcvbn-ts' (about 50,000 passwords ranked by frequency in public breach corpora), bundled
 * with the package: no network call, nothing about the password leaves the process. Only entries the
 * length rule would let through are kept; they are compared case-insensitively.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  dictionary['passwords-common']
    .filter((entry) => [...entry].length >= PASSWORD_MIN_LENGTH)
    .map((entry) => entry.toLowerCase()),
);

export const isCommonPassword = (password: string): boolean => COMMON_PASSWORDS.has(password.toLowerCase());

/** Python's `len(str)`: code points, not UTF-16 units (an emoji is one character). */
const characterCount = (value: string): number => [...value].length;

/**
 * Python's `difflib.SequenceMatcher(a, b).quick_ratio()`: the two strings as multisets of
 * characters, 2 * |intersection| / (|a| + |b|). Django uses this bound, not the full ratio().
 */
export function quickRatio(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  const total = left.length + right.length;
  if (total === 0) return 1;
  const available = new Map<string, number>();
  for (const char of right) available.set(char, (available.get(char) ?? 0) + 1);
  let matches = 0;
  for (const char of left) {
    const count = available.get(char) ?? 0;
    if (count > 0) matches++;
    available.set(char, count - 1);
  }
  return (2 * matches) / total;
}

/** Django skips parts far shorter than the password: they cannot make it guessable. */
function exceedsMaximumLengthRatio(password: string, maxSimilarity: number, value: string): boolean {
  const passwordLength = characterCount(password);
  const valueLength = characterCount(value);
  return passwordLength >= 10 * valueLength && valueLength < (maxSimilarity / 2) * passwordLength;
}

/** Python's `re.split(r"\W+", value)`: \w is letters, digits (any script) and underscore. */
const NON_WORD = /[^\p{L}\p{N}_]+/u;

/** Is the password too similar to the email or one of its parts (`john`, `example`, `com`)? */
export function isTooSimilarToEmail(password: string, email: string): boolean {
  if (!email) return false;
  const candidate = password.toLowerCase();
  const value = email.toLowerCase();
  for (const part of [...value.split(NON_WORD), value]) {
    if (exceedsMaximumLengthRatio(candidate, MAX_SIMILARITY, part)) continue;
    if (quickRatio(candidate, part) >= MAX_SIMILARITY) return true;
  }
  return false;
}

/**
 * Django's `validate_password` with Label Studio's validators, in settings order: every failing
 * validator contributes its message. Returns the messages (empty when the password is acceptable).
 */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = [];
  if (isTooSimilarToEmail(password, email)) problems.push(PASSWORD_TOO_SIMILAR_MESSAGE);
  const length = characterCount(password);
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) problems.push(PASSWORD_LENGTH_MESSAGE);
  if (isCommonPassword(password)) problems.push(PASSWORD_TOO_COMMON_MESSAGE);
  return problems;
}
