import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApiTokenRepository } from './api-token.repository';
import { generateApiToken, TokenCipher } from './token-cipher';

/**
 * Makes a user's (new) legacy API token, or stores one the operator chose; the plaintext is
 * returned once and stored only sealed. A chosen token that another user holds fails on the
 * unique digest (API_TOKEN_DIGEST_UNIQUE).
 */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly cipher: TokenCipher,
  ) {}

  async issue(manager: EntityManager, userId: number, token = generateApiToken()): Promise<string> {
    await this.tokens.upsert(manager, {
      userId,
      digest: this.cipher.digest(token),
      ciphertext: this.cipher.encrypt(token, userId),
    });
    return token;
  }
}
