import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** Label Studio's limit (`EMAIL_MAX_LENGTH`): an address this long or longer is refused. */
export const EMAIL_MAX_LENGTH = 256;

/** RFC 5321's limit that Django's EmailValidator enforces before any regex work. */
const EMAIL_ABSOLUTE_MAX_LENGTH = 320;

// Django's EmailValidator (django/core/validators.py), translated regex for regex.
// (Control characters, which Django allows inside a quoted local part, are refused before this.)
const USER_PART =
  /^(?:[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*|"(?:[!#-[\]-~]|\\[ -~])*")$/i;
const DOMAIN_PART = /^(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+(?:[A-Z0-9-]{2,63}(?<!-))$/i;
const LITERAL_PART = /^\[([A-F0-9:.]+)\]$/i;
const DOMAIN_ALLOWLIST = new Set(['localhost']);

/** C0 controls (NUL included), DEL and C1 controls: never part of an address we accept. */

export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Emails are normalised once, on every path that writes or reads them (trim, lower-case), unlike
 * Label Studio, where CLI users with capitals in the local part could never log in.
 */
export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

function isValidDomain(domain: string): boolean {
  if (DOMAIN_PART.test(domain)) return true;
  const literal = LITERAL_PART.exec(domain);
  return literal !== null && isIP(literal[1]) !== 0;
}

/** Django's `EmailValidator` (what EmailField uses), plus a refusal of control characters. */
export function isValidEmail(value: string): boolean {
  if (!value || value.length > EMAIL_ABSOLUTE_MAX_LENGTH || CONTROL_CHARACTERS.test(value)) return false;
  const at = value.lastIndexOf('@');
  if (at < 0) return false;
  const user = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (!USER_PART.test(user)) return false;
  if (DOMAIN_ALLOWLIST.has(domain) || isValidDomain(domain)) return true;
  // An internationalised domain is valid when its punycode form is (Django tries the same).
  const ascii = domain ? domainToASCII(domain) : '';
  return ascii !== '' && ascii !== domain && isValidDomain(ascii);
}

/** Web signup sets the username to what precedes the first '@' (`email.split('@')[0]`). */
export function usernameFromEmail(email: string): string {
  return email.split('@')[0];
}
