import { Body, Controller, Get, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import {
  ErrorCode,
  IdentitySubjects,
  InvitationsSubjects,
  PrincipalDto,
  TokenSettingsDto,
} from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { ApiAuthGuard } from '../auth/auth.guard';
import { Authenticator } from '../auth/authenticator';
import { csrfFailure } from '../auth/csrf';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { AuthenticatedRequest, CurrentPrincipal } from '../auth/principal';
import { ApiError } from '../errors/api-error';
import { booleanField, parseBody } from '../http/input';
import { BodySchema } from '../openapi/body-schema';

/** DRF's CharField as simple-jwt's serializers declare `refresh`. */
const refreshSchema = z.object({
  refresh: z
    .unknown()
    .refine((value) => value !== undefined, 'This field is required.')
    .refine((value) => value !== null, 'This field may not be null.')
    .refine(
      (value) =>
        value === undefined || value === null || typeof value === 'string' || typeof value === 'number',
      'Not a valid string.',
    )
    .transform((value) => String(value).trim())
    .refine((value) => value.length > 0, 'This field may not be blank.'),
});

/** Label Studio's `JWTSettingsSerializer`: both fields optional, each a DRF boolean. */
const settingsSchema = z.object({
  api_tokens_enabled: booleanField.optional(),
  legacy_api_tokens_enabled: booleanField.optional(),
});

const renderSettings = (settings: TokenSettingsDto) => ({
  api_tokens_enabled: settings.apiTokensEnabled,
  legacy_api_tokens_enabled: settings.legacyApiTokensEnabled,
});

/** simple-jwt's views answer a bad token with 401 and their own challenge. */
const tokenRefused = (message: string) =>
  new ApiError(401, message, undefined, { 'WWW-Authenticate': 'Bearer realm="api"' });

/**
 * Label Studio's personal access tokens (`/api/token/…`, slash-terminated, so both forms answer)
 * and the organization's token settings (`/api/jwt/settings`, without the slash only). Tokens are
 * identity's; the gateway only authenticates and shapes the answers.
 */
@Controller()
export class TokensController {
  constructor(
    private readonly bus: BusClient,
    private readonly authenticator: Authenticator,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The caller's valid tokens, as `header.payload` only (never the signature). Not paginated. */
  @Get(['api/token', 'api/token/'])
  @UseGuards(ApiAuthGuard)
  async list(@CurrentPrincipal() caller: PrincipalDto) {
    const tokens = await this.bus.request(IdentitySubjects.listOwnPats, {}, { caller: caller.userId });
    return tokens.map(({ token }) => ({ token }));
  }

  /** 201 with the whole token, shown this once; 409 while the caller has a valid one. */
  @Post(['api/token', 'api/token/'])
  @UseGuards(ApiAuthGuard)
  @HttpCode(201)
  create(@CurrentPrincipal() caller: PrincipalDto) {
    return this.bus.request(IdentitySubjects.createOwnPat, {}, { caller: caller.userId });
  }

  /** No authentication: the personal access token is the credential. */
  @Post(['api/token/refresh', 'api/token/refresh/'])
  @HttpCode(200)
  @BodySchema(refreshSchema)
  async refresh(@Body() body: unknown) {
    const { refresh } = parseBody(refreshSchema, body);
    try {
      return await this.bus.request(IdentitySubjects.refreshAccess, { refresh });
    } catch (error) {
      if (error instanceof BusError && error.code === ErrorCode.Unauthenticated)
        throw tokenRefused(error.message);
      throw error;
    }
  }

  /** The caller's own token is replaced: the old one is revoked, the new one shown this once. */
  @Post(['api/token/rotate', 'api/token/rotate/'])
  @UseGuards(ApiAuthGuard)
  @HttpCode(200)
  @BodySchema(refreshSchema)
  rotate(@CurrentPrincipal() caller: PrincipalDto, @Body() body: unknown) {
    const { refresh } = parseBody(refreshSchema, body);
    return this.bus.request(IdentitySubjects.rotateOwnPat, { refresh }, { caller: caller.userId });
  }

  /**
   * 204, then 404 with a bare `{detail}` (Label Studio's view answers it itself). The whole token
   * needs no other credential; the truncated one (what the list shows) only its signed-in owner's.
   */
  @Post(['api/token/blacklist', 'api/token/blacklist/'])
  @HttpCode(204)
  @BodySchema(refreshSchema)
  async blacklist(@Req() req: AuthenticatedRequest, @Body() body: unknown): Promise<void> {
    const { refresh } = parseBody(refreshSchema, body);
    const caller = await this.optionalCaller(req);
    try {
      await this.bus.request(IdentitySubjects.revokePat, { refresh }, { caller });
    } catch (error) {
      if (error instanceof BusError && error.code === ErrorCode.NotFound) {
        throw ApiError.plain(404, error.message);
      }
      throw error;
    }
  }

  @Get('api/jwt/settings')
  @UseGuards(ApiAuthGuard)
  async settings(@CurrentPrincipal() caller: PrincipalDto) {
    return renderSettings(
      await this.bus.request(InvitationsSubjects.getTokenSettings, {}, { caller: caller.userId }),
    );
  }

  @Post('api/jwt/settings')
  @UseGuards(ApiAuthGuard)
  @HttpCode(200)
  @BodySchema(settingsSchema)
  async updateSettings(@CurrentPrincipal() caller: PrincipalDto, @Body() body: unknown) {
    const change = parseBody(settingsSchema, body);
    return renderSettings(
      await this.bus.request(
        InvitationsSubjects.updateTokenSettings,
        {
          apiTokensEnabled: change.api_tokens_enabled,
          legacyApiTokensEnabled: change.legacy_api_tokens_enabled,
        },
        { caller: caller.userId },
      ),
    );
  }

  /** Who is calling, if anyone: a credential that does not authenticate simply names nobody. */
  private async optionalCaller(req: AuthenticatedRequest): Promise<number | undefined> {
    let principal: PrincipalDto | null;
    try {
      principal = await this.authenticator.authenticate(req);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return undefined;
      throw error;
    }
    if (!principal) return undefined;
    // A cookie alone must not let another site revoke the visitor's tokens.
    if (principal.method === 'session' && csrfFailure(req, this.config.trustedOrigins)) return undefined;
    return principal.userId;
  }
}
