import { Inject, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { ErrorCode, IdentitySubjects, PrincipalDto } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { GatewayReadModel } from '../read-model/gateway-read-model';
import { ApiError } from '../errors/api-error';
import { EdgeThrottle } from '../throttle/edge-throttle';

export const SESSION_COOKIE = 'sessionid';

const unauthorized = (detail: string) =>
  new ApiError(401, detail, undefined, { 'WWW-Authenticate': 'Token' });

/** A JWT-shaped value: three base64url parts whose first decodes to a JSON header. */
export function looksLikeJwt(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && 'alg' in header;
  } catch {
    return false;
  }
}

/**
 * Finds who is calling, in Label Studio's order: `X-Api-Key` (stands in for `Authorization`),
 * `Authorization: Token`, then the session cookie. The gateway's read model answers without a bus
 * request; a credential it does not know (just created elsewhere, too weak to replicate, or
 * simply wrong) is asked of identity once, for this request only.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly bus: BusClient,
    private readonly model: GatewayReadModel,
    private readonly throttle: EdgeThrottle,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The principal, null when the request carries no usable credentials; throws 401 on a bad token. */
  async authenticate(req: Request): Promise<{ principal: PrincipalDto; sessionKey?: string } | null> {
    const authorization = this.authorizationHeader(req);
    if (authorization !== undefined) {
      const parts = authorization.trim().split(/\s+/);
      const scheme = parts[0]?.toLowerCase();
      if (scheme === 'token') {
        if (parts.length === 1) throw unauthorized('Invalid token header. No credentials provided.');
        if (parts.length > 2)
          throw unauthorized('Invalid token header. Token string should not contain spaces.');
        if (!this.config.legacyTokenAuth) {
          throw unauthorized(
            'Authentication token no longer valid: legacy token authentication has been disabled for this organization',
          );
        }
        return { principal: await this.byToken(parts[1], req.ip) };
      }
      // `Bearer` personal access tokens are not served by this gateway: like Label Studio with an
      // unusable JWT, the request goes on to the session check.
    }
    const sessionKey: unknown = req.cookies?.[SESSION_COOKIE];
    if (typeof sessionKey === 'string' && sessionKey.length > 0 && sessionKey.length <= 128) {
      const known = this.model.bySession(sessionKey);
      if (known.kind === 'valid') return { principal: known.principal, sessionKey };
      if (known.kind === 'refused') return null;
      try {
        const principal = await this.bus.request(IdentitySubjects.authenticateSession, { key: sessionKey });
        return { principal, sessionKey };
      } catch (error) {
        if (error instanceof BusError && error.code === ErrorCode.Unauthenticated) return null;
        throw error;
      }
    }
    return null;
  }

  private authorizationHeader(req: Request): string | undefined {
    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey.length > 0) {
      return looksLikeJwt(apiKey) ? `Bearer ${apiKey}` : `Token ${apiKey}`;
    }
    const header = req.headers.authorization;
    return typeof header === 'string' ? header : undefined;
  }

  /**
   * A token the read model knows is answered from memory, with no other work. Anything else is a
   * possible guess: refused at once (429) when this client's failures reached their limit, and
   * counted when it fails, so guessing from one address stops while its genuine users go on.
   */
  private async byToken(key: string, clientIp: string | undefined): Promise<PrincipalDto> {
    const known = /^[\x21-\x7e]{1,256}$/.test(key) ? this.model.byToken(key) : null;
    if (known?.kind === 'valid') return known.principal;
    const client = EdgeThrottle.clientOf(clientIp);
    await this.throttle.check('tokenFailure', client);
    // DRF TokenAuthentication's messages, as identity gives them.
    let failure: ApiError | undefined;
    if (!known) failure = unauthorized('Invalid token.');
    else if (known.kind === 'refused') {
      failure = unauthorized(known.reason === 'inactive' ? 'User inactive or deleted.' : 'Invalid token.');
    }
    if (!failure) {
      try {
        return await this.bus.request(IdentitySubjects.authenticateToken, { key });
      } catch (error) {
        if (!(error instanceof BusError) || error.code !== ErrorCode.Unauthenticated) throw error;
        await this.throttle.fail('tokenFailure', client);
        throw error;
      }
    }
    await this.throttle.fail('tokenFailure', client);
    throw failure;
  }
}
