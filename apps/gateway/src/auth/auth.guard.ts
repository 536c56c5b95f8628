import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ActivityRecorder } from '../activity/activity-recorder';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { ApiError, notAuthenticated } from '../errors/api-error';
import { Authenticator } from './authenticator';
import { csrfFailure, SAFE_METHODS } from './csrf';
import { AuthenticatedRequest } from './principal';

/**
 * API routes: an authenticated caller is required (401 with `WWW-Authenticate: Token`), and an
 * unsafe request authenticated by the session cookie must pass the CSRF check. Requests
 * authenticated by a token need none: a browser never adds that header on its own.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly activity: ActivityRecorder,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const result = await this.authenticator.authenticate(req);
    if (!result) throw notAuthenticated();
    if (result.principal.method === 'session' && !SAFE_METHODS.has(req.method)) {
      const failure = csrfFailure(req, this.config.trustedOrigins);
      if (failure) throw new ApiError(403, failure);
    }
    req.principal = result.principal;
    req.sessionKey = result.sessionKey;
    // Label Studio's UpdateLastActivityMiddleware: unsafe requests by an authenticated user.
    if (!SAFE_METHODS.has(req.method)) this.activity.record(result.principal.userId);
    return true;
  }
}
