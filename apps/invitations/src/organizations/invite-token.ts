import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Label Studio's newest `create_hash()`: `get_random_string(length=40)`, about 238 bits. */
const TOKEN_LENGTH = 40;

export function newInviteToken(): string {
  let token = '';
  for (let i = 0; i < TOKEN_LENGTH; i++) token += ALPHABET[randomInt(ALPHABET.length)];
  return token;
}

/** The lookup key of a token: the token itself is never used in a WHERE clause. */
export function inviteTokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameInviteToken(given: string, stored: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(stored, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
