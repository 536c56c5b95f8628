import { Injectable } from '@nestjs/common';
import { ErrorCode, PrincipalDto } from '@app/contracts';
import { ServiceError } from '@app/bus';
import { toPrincipalDto } from '../accounts/account.mapper';
import { isWellFormedCredential } from '../shared/credential-format';
import { ApiTokenRepository } from '../tokens/api-token.repository';
import { TokenCipher } from '../tokens/token-cipher';

/**
 * `Authorization: Token <key>` (DRF TokenAuthentication's messages). On the path of every API
 * request: one indexed query, no writes, no cache (a reset must be effective at once).
 */
@Injectable()
export class AuthenticateTokenUseCase {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly cipher: TokenCipher,
  ) {}

  async execute(key: unknown): Promise<PrincipalDto> {
    if (typeof key !== 'string' || !isWellFormedCredential(key)) throw invalidToken();
    const owner = await this.tokens.findOwnerByDigest(this.cipher.digest(key));
    if (!owner) throw invalidToken();
    if (!owner.isActive) throw new ServiceError(ErrorCode.Unauthenticated, 'User inactive or deleted.');
    return toPrincipalDto(owner, 'token');
  }
}

const invalidToken = () => new ServiceError(ErrorCode.Unauthenticated, 'Invalid token.');
