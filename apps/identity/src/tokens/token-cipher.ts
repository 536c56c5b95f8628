import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_V1 = 1;

/** Label Studio's key: `hexlify(os.urandom(20))`, 40 lowercase hex characters (160 bits). */
export function generateApiToken(): string {
  return randomBytes(20).toString('hex');
}

/**
 * Keeps API tokens out of the database in plaintext. Two independent keys are derived from
 * SECRET_KEY with HKDF (so neither use weakens the other):
 * - the digest, HMAC-SHA256(token), is what lookups use. Being keyed, a stolen table cannot be
 *   brute-forced offline without SECRET_KEY; the database compares digests, so timing of that
 *   comparison says nothing about the token itself;
 * - the ciphertext, AES-256-GCM with a random IV, lets the owner see the token again
 *   (`GET /api/current-user/token`, the CLI). The user id is the associated data, so a ciphertext
 *   copied onto another user's row fails to decrypt.
 */
@Injectable()
export class TokenCipher {
  private readonly digestKey: Buffer;
  private readonly personalTokenDigestKey: Buffer;
  private readonly encryptionKey: Buffer;

  constructor(@Inject(IDENTITY_CONFIG) config: Pick<IdentityConfig, 'SECRET_KEY'>) {
    const derive = (info: string) =>
      Buffer.from(hkdfSync('sha256', config.SECRET_KEY, 'labelhub-identity', info, 32));
    this.digestKey = derive('api-token/digest/v1');
    this.encryptionKey = derive('api-token/encryption/v1');
    this.personalTokenDigestKey = derive('personal-access-token/digest/v1');
  }

  /** HMAC-SHA256 of a whole personal access token: how identity finds it, never storing it. */
  personalTokenDigest(token: string): Buffer {
    return createHmac('sha256', this.personalTokenDigestKey).update(token, 'utf8').digest();
  }

  digest(token: string): Buffer {
    return createHmac('sha256', this.digestKey).update(token, 'utf8').digest();
  }

  /** Layout: version (1 byte) | IV (12) | tag (16) | ciphertext. */
  encrypt(token: string, userId: number): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(this.associatedData(userId));
    const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(FORMAT_V1), iv, cipher.getAuthTag(), body]);
  }

  /** Throws when the ciphertext was tampered with, moved to another user or made with another key. */
  decrypt(sealed: Buffer, userId: number): string {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) {
      throw new Error('Unknown token ciphertext format');
    }
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, iv);
    decipher.setAAD(this.associatedData(userId));
    decipher.setAuthTag(tag);
    return Buffer.concat([
      decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }

  private associatedData(userId: number): Buffer {
    return Buffer.from(`api-token:user:${userId}`, 'utf8');
  }
}
