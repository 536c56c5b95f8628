import { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { ErrorCode, IdentitySubjects, InvitationsSubjects, PrincipalDto } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { decodeJwt, MAX_ACCESS_TOKEN_LIFETIME_SECONDS, signatureIsValid, validClaims } from '@app/jwt';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { GatewayReadModel, UserTokenSettings } from '../read-model/gateway-read-model';
import { ApiError } from '../errors/api-error';
import { EdgeThrottle } from '../throttle/edge-throttle';

/** Clock skew allowed between identity, which signs, and this gateway. */
const CLOCK_SKEW_SECONDS = 60;

const LEGACY_DISABLED =
  'Authentication token no longer valid: legacy token authentication has been disabled for this organization';

export const SESSION_COOKIE = 'sessionid';

const unauthorized = (detail: string) =>
  new ApiError(401, detail, undefined, { 'WWW-Authenticate': 'Token' });

type TokenHeader =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'token'; key: string }
  | { kind: 'refused'; detail: string };
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
 * Finds who is calling, in Label Studio's order: `X-Api-Key` (stands in for `Authorization`: an
 * access token as `Bearer`, anything else as `Token`), `Authorization: Bearer` (an access token,
 * verified here from its signature and the read model), `Authorization: Token`, then the session
 * cookie. The gateway's read model answers without a bus request; a credential it does not know
 * (just created elsewhere, too weak to replicate, or simply wrong) is asked of identity once, for
 * this request only.
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
    const header = this.tokenHeader(req);
    if (header.kind === 'bearer') {
      const principal = await this.byAccessToken(header.token);
      if (principal) return { principal };
      // Label Studio's JWT middleware: an unusable token (bad, expired, a personal access token
      // itself, an inactive or deleted user, API tokens off) leaves the request anonymous, and
      // the session may still authenticate it.
    }
    if (header.kind === 'refused') throw unauthorized(header.detail);
    if (header.kind === 'token') {
      const principal = await this.byToken(header.key, req.ip);
      // Checked once the key is known good, as Label Studio does (only with an active organization).
      const settings = await this.tokenSettingsOf(principal.userId);
      if (settings.settings && !settings.settings.legacyApiTokensEnabled) throw unauthorized(LEGACY_DISABLED);
      return { principal };
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

  /**
   * The caller of a token-authenticated request, when the read model alone can say they are valid;
   * undefined for anything else (no token, a refused or unknown one), which only `authenticate`
   * answers.
   */
  tokenPrincipalFromMemory(req: IncomingMessage): PrincipalDto | undefined {
    const header = this.tokenHeader(req);
    if (header.kind !== 'token') return undefined;
    const known = this.model.byToken(header.key);
    if (known.kind !== 'valid') return undefined;
    // The organization may have turned legacy tokens off: only the route says so.
    const settings = this.model.tokenSettings(known.principal.userId);
    if (!settings || (settings.settings && !settings.settings.legacyApiTokensEnabled)) return undefined;
    return known.principal;
  }

  /** The `Token` credential of a request, in Label Studio's order (`X-Api-Key` first). */
  private tokenHeader(req: IncomingMessage): TokenHeader {
    const authorization = this.authorizationHeader(req);
    if (authorization === undefined) return NO_TOKEN;
    const parts = authorization.trim().split(/\s+/);
    const scheme = parts[0]?.toLowerCase();
    if (scheme === 'bearer' && parts.length === 2 && looksLikeJwt(parts[1])) {
      return { kind: 'bearer', token: parts[1] };
    }
    // Any other scheme goes on to the session check, as in Label Studio.
    if (scheme !== 'token') return NO_TOKEN;
    if (parts.length === 1) return refused('Invalid token header. No credentials provided.');
    if (parts.length > 2) return refused('Invalid token header. Token string should not contain spaces.');
    if (!this.config.legacyTokenAuth) return refused(LEGACY_DISABLED);
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

  /**
   * An access token: signed by a key identity published (a retired key only for tokens issued
   * before it retired), of type `access`, not expired, for an active user whose active
   * organization allows API tokens. Null when unusable; Label Studio's bare 401 `User not found`
   * when the user has no active organization.
   */
  private async byAccessToken(value: string): Promise<PrincipalDto | null> {
    const token = decodeJwt(value);
    const kid = token?.header.kid;
    if (!token || kid === undefined) return null;
    const key = this.model.verificationKey(kid);
    if (!key || !signatureIsValid(token, key.key)) return null;
    const now = Date.now() / 1000;
    const claims = validClaims(token, 'access', now);
    if (!claims || claims.iat > now + CLOCK_SKEW_SECONDS) return null;
    // Identity never signs longer-lived ones: such a token was not made by it.
    if (claims.exp - claims.iat > MAX_ACCESS_TOKEN_LIFETIME_SECONDS) return null;
    if (key.retiredAt !== null && claims.iat * 1000 > key.retiredAt + CLOCK_SKEW_SECONDS * 1000) return null;

    const principal = await this.byUserId(claims.user_id);
    if (!principal) return null;
    const settings = await this.tokenSettingsOf(principal.userId);
    if (settings.organizationId === null) throw ApiError.plain(401, 'User not found');
    return settings.settings?.apiTokensEnabled ? principal : null;
  }

  /** The active user an access token names; null when inactive or gone. */
  private async byUserId(userId: number): Promise<PrincipalDto | null> {
    const known = this.model.byUserId(userId);
    if (known.kind === 'valid') return known.principal;
    if (known.kind === 'refused') return null;
    try {
      const account = await this.bus.request(IdentitySubjects.getAccount, { userId }, { caller: userId });
      if (!account.isActive) return null;
      return { userId, email: account.email, method: 'jwt', account };
    } catch (error) {
      if (error instanceof BusError && error.code === ErrorCode.NotFound) return null;
      throw error;
    }
  }

  /** The settings of the user's active organization, from the model or (when it cannot tell) invitations. */
  private async tokenSettingsOf(userId: number): Promise<UserTokenSettings> {
    const known = this.model.tokenSettings(userId);
    if (known) return known;
    try {
      const { organizationId, apiTokensEnabled, legacyApiTokensEnabled } = await this.bus.request(
        InvitationsSubjects.getTokenSettings,
        {},
        { caller: userId },
      );
      return { organizationId, settings: { apiTokensEnabled, legacyApiTokensEnabled } };
    } catch (error) {
      // No active organization (or no longer a member of it).
      if (
        error instanceof BusError &&
        (error.code === ErrorCode.NotFound || error.code === ErrorCode.Forbidden)
      ) {
        return { organizationId: null, settings: null };
      }
      throw error;
    }
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
