import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_V1 = 1;

/**
 * Keeps signing keys' private halves encrypted at rest: AES-256-GCM with a key derived from
 * SECRET_KEY for this use only; the key id is the associated data, so a ciphertext moved to
 * another row does not decrypt. A stolen database alone signs nothing.
 */
@Injectable()
export class SigningKeyCipher {
  private readonly key: Buffer;

  constructor(@Inject(IDENTITY_CONFIG) config: Pick<IdentityConfig, 'SECRET_KEY'>) {
    this.key = Buffer.from(
      hkdfSync('sha256', config.SECRET_KEY, 'labelhub-identity', 'signing-key/encryption/v1', 32),
    );
  }

  /** Layout: version (1 byte) | IV (12) | tag (16) | ciphertext. */
  seal(privateKey: Buffer, kid: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`signing-key:${kid}`, 'utf8'));
    const body = Buffer.concat([cipher.update(privateKey), cipher.final()]);
    return Buffer.concat([Buffer.of(FORMAT_V1), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, kid: string): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) {
      throw new Error('Unknown signing key ciphertext format');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(`signing-key:${kid}`, 'utf8'));
    decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  }
}
