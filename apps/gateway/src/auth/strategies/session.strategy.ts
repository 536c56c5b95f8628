import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { ErrorCode, IdentitySubjects, PrincipalDto } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { GatewayReadModel } from '../../read-model/gateway-read-model';
import { sessionCookie } from '../credentials';
import { AuthenticatedRequest } from '../principal';

/**
 * The `sessionid` cookie of a logged-in browser: from the read model, or (a session this replica
 * has not seen yet) asked of identity once. A session that does not authenticate leaves the
 * request anonymous.
 */
@Injectable()
export class SessionStrategy extends PassportStrategy(Strategy, 'session-cookie') {
  constructor(
    private readonly bus: BusClient,
    private readonly model: GatewayReadModel,
  ) {
    super();
  }

  async validate(req: AuthenticatedRequest): Promise<PrincipalDto | null> {
    const key = sessionCookie(req);
    if (key === undefined) return null;
    const known = this.model.bySession(key);
    if (known.kind === 'refused') return null;
    let principal: PrincipalDto;
    if (known.kind === 'valid') principal = known.principal;
    else {
      try {
        principal = await this.bus.request(IdentitySubjects.authenticateSession, { key });
      } catch (error) {
        if (error instanceof BusError && error.code === ErrorCode.Unauthenticated) return null;
        throw error;
      }
    }
    req.sessionKey = key;
    return principal;
  }
}
