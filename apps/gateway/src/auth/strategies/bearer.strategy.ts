import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Request } from 'express';
import { Strategy } from 'passport-custom';
import { ErrorCode, IdentitySubjects, PrincipalDto } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { decodeJwt, MAX_ACCESS_TOKEN_LIFETIME_SECONDS, signatureIsValid, validClaims } from '@app/jwt';
import { GATEWAY_CONFIG, GatewayConfig } from '../../config';
import { ApiError } from '../../errors/api-error';
import { GatewayReadModel } from '../../read-model/gateway-read-model';
import { tokenHeader } from '../credentials';
import { TokenSettings } from '../token-settings';

/** Clock skew allowed between identity, which signs, and this gateway. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * `Authorization: Bearer <access token>` (or `X-Api-Key` with one): verified here, from its
 * signature and the read model, with no bus request. Label Studio's JWT middleware leaves a
 * request with an unusable token (bad, expired, a personal access token itself, an inactive or
 * deleted user, API tokens off) anonymous, so this strategy fails and the next one may still
 * authenticate the request.
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(
    private readonly bus: BusClient,
    private readonly model: GatewayReadModel,
    private readonly settings: TokenSettings,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    super();
  }

  async validate(req: Request): Promise<PrincipalDto | null> {
    const header = tokenHeader(req, this.config.legacyTokenAuth);
    return header.kind === 'bearer' ? this.byAccessToken(header.token) : null;
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
    const settings = await this.settings.of(principal.userId);
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
}
