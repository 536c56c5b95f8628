import { createHash, randomBytes } from 'node:crypto';

/** The cookie value: 256 bits from the CSPRNG. */
export function generateSessionKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Only this digest is stored: a leaked table yields no usable cookie. An unkeyed hash is enough
 * because the key has 256 bits of entropy (nothing to brute-force).
 */
export function sessionDigest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
