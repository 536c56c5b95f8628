import { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { ErrorCode, IdentitySubjects, PrincipalDto } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { GatewayReadModel } from '../read-model/gateway-read-model';
import { ApiError } from '../errors/api-error';

export const SESSION_COOKIE = 'sessionid';

const unauthorized = (detail: string) =>
  new ApiError(401, detail, undefined, { 'WWW-Authenticate': 'Token' });

type TokenHeader = { kind: 'none' } | { kind: 'token'; key: string } | { kind: 'refused'; detail: string };
const NO_TOKEN: TokenHeader = { kind: 'none' };
const refused = (detail: string): TokenHeader => ({ kind: 'refused', detail });

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
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The principal, null when the request carries no usable credentials; throws 401 on a bad token. */
  async authenticate(req: Request): Promise<{ principal: PrincipalDto; sessionKey?: string } | null> {
    const header = this.tokenHeader(req);
    if (header.kind === 'refused') throw unauthorized(header.detail);
    if (header.kind === 'token') return { principal: await this.byToken(header.key) };
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

  /**
   * The caller of a token-authenticated request, when the read model alone can say they are valid;
   * undefined for anything else (no token, a refused or unknown one), which only `authenticate`
   * answers.
   */
  tokenPrincipalFromMemory(req: IncomingMessage): PrincipalDto | undefined {
    const header = this.tokenHeader(req);
    if (header.kind !== 'token') return undefined;
    const known = this.model.byToken(header.key);
    return known.kind === 'valid' ? known.principal : undefined;
  }

  /** The `Token` credential of a request, in Label Studio's order (`X-Api-Key` first). */
  private tokenHeader(req: IncomingMessage): TokenHeader {
    const authorization = this.authorizationHeader(req);
    if (authorization === undefined) return NO_TOKEN;
    const parts = authorization.trim().split(/\s+/);
    // `Bearer` personal access tokens are not served by this gateway: like Label Studio with an
    // unusable JWT, the request goes on to the session check.
    if (parts[0]?.toLowerCase() !== 'token') return NO_TOKEN;
    if (parts.length === 1) return refused('Invalid token header. No credentials provided.');
    if (parts.length > 2) return refused('Invalid token header. Token string should not contain spaces.');
    if (!this.config.legacyTokenAuth) {
      return refused(
        'Authentication token no longer valid: legacy token authentication has been disabled for this organization',
      );
    }
    if (!/^[\x21-\x7e]{1,256}$/.test(parts[1])) return refused('Invalid token.');
    return { kind: 'token', key: parts[1] };
  }

  private authorizationHeader(req: IncomingMessage): string | undefined {
    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey.length > 0) {
      return looksLikeJwt(apiKey) ? `Bearer ${apiKey}` : `Token ${apiKey}`;
    }
    const header = req.headers.authorization;
    return typeof header === 'string' ? header : undefined;
  }

  private async byToken(key: string): Promise<PrincipalDto> {
    const known = this.model.byToken(key);
    if (known.kind === 'valid') return known.principal;
    // DRF TokenAuthentication's messages, as identity gives them.
    if (known.kind === 'refused') {
      throw unauthorized(known.reason === 'inactive' ? 'User inactive or deleted.' : 'Invalid token.');
    }
    return this.bus.request(IdentitySubjects.authenticateToken, { key });
  }
}
