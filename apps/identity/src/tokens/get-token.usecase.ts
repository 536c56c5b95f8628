import { Injectable } from '@nestjs/common';
import { ErrorCode, TokenReply } from '@app/contracts';
import { ServiceError } from '@app/bus';
import { ApiTokenRepository } from './api-token.repository';
import { TokenCipher } from './token-cipher';

/** `GET /api/current-user/token`: the owner sees the key again, decrypted on demand. */
@Injectable()
export class GetTokenUseCase {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly cipher: TokenCipher,
  ) {}

  async execute(userId: number): Promise<TokenReply> {
    const row = await this.tokens.findByUserId(userId);
    // Label Studio answers 500 (DoesNotExist) here; a clear 404 is kinder and leaks nothing.
    if (!row) throw new ServiceError(ErrorCode.NotFound, 'No Token matches the given query.');
    return { token: this.cipher.decrypt(row.ciphertext, userId) };
  }
}
