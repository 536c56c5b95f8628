import { Injectable } from '@nestjs/common';
import { ErrorCode, PrincipalDto } from '@app/contracts';
import { ServiceError } from '@app/bus';
import { toPrincipalDto } from '../accounts/account.mapper';
import { sessionDigest } from '../sessions/session-key';
import { SessionRepository } from '../sessions/session.repository';
import { isWellFormedCredential } from '../shared/credential-format';

/** The `sessionid` cookie: unknown, expired or of an inactive account all read as "no credentials". */
@Injectable()
export class AuthenticateSessionUseCase {
  constructor(private readonly sessions: SessionRepository) {}

  async execute(key: unknown): Promise<PrincipalDto> {
    const owner =
      typeof key === 'string' && isWellFormedCredential(key)
        ? await this.sessions.findActiveOwner(sessionDigest(key))
        : null;
    if (!owner)
      throw new ServiceError(ErrorCode.Unauthenticated, 'Authentication credentials were not provided.');
    return toPrincipalDto(owner, 'session');
  }
}
