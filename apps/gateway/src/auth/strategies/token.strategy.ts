import { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Request } from 'express';
import { Strategy } from 'passport-custom';
import { ErrorCode, IdentitySubjects, PrincipalDto } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { GATEWAY_CONFIG, GatewayConfig } from '../../config';
import { ApiError } from '../../errors/api-error';
import { GatewayReadModel } from '../../read-model/gateway-read-model';
import { EdgeThrottle } from '../../throttle/edge-throttle';
import { LEGACY_DISABLED, tokenHeader, unauthorized } from '../credentials';
import { TokenSettings } from '../token-settings';

/**
 * `Authorization: Token <key>` (or `X-Api-Key` with one), DRF's TokenAuthentication: a key the
 * read model knows is answered from memory; one it does not know is asked of identity once (it
 * may have just been made elsewhere). Unlike the other strategies, a token that does not
 * authenticate is a 401 at once with DRF's message, never a fall-through to the session.
 */
@Injectable()
export class TokenStrategy extends PassportStrategy(Strategy, 'token') {
  constructor(
    private readonly bus: BusClient,
    private readonly model: GatewayReadModel,
    private readonly throttle: EdgeThrottle,
    private readonly settings: TokenSettings,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    super();
  }

  async validate(req: Request): Promise<PrincipalDto | null> {
    const header = tokenHeader(req, this.config.legacyTokenAuth);
    if (header.kind === 'refused') throw unauthorized(header.detail);
    if (header.kind !== 'token') return null;
    const principal = await this.byToken(header.key, req.ip);
    // Checked once the key is known good, as Label Studio does (only with an active organization).
    const settings = await this.settings.of(principal.userId);
    if (settings.settings && !settings.settings.legacyApiTokensEnabled) throw unauthorized(LEGACY_DISABLED);
    return principal;
  }

  /**
   * The caller of a token-authenticated request, when the read model alone can say they are valid;
   * undefined for anything else (no token, a refused or unknown one), which only `validate`
   * answers. Synchronous and allocation-light: the whoami fast path calls it before Express.
   */
  fromMemory(req: IncomingMessage): PrincipalDto | undefined {
    const header = tokenHeader(req, this.config.legacyTokenAuth);
    if (header.kind !== 'token') return undefined;
    const known = this.model.byToken(header.key);
    if (known.kind !== 'valid') return undefined;
    // The organization may have turned legacy tokens off: only `validate` says so.
    const settings = this.model.tokenSettings(known.principal.userId);
    if (!settings || (settings.settings && !settings.settings.legacyApiTokensEnabled)) return undefined;
    return known.principal;
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
