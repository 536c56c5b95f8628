import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AuthGuard, AuthGuardAuthenticateOptions } from '@nestjs/passport';
import { PrincipalDto } from '@app/contracts';
import { ActivityRecorder } from '../activity/activity-recorder';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { ApiError, notAuthenticated } from '../errors/api-error';
import { csrfFailure, SAFE_METHODS } from './csrf';
import { AuthenticatedRequest } from './principal';
import { API_STRATEGIES } from './authenticator';

/**
 * API routes: an authenticated caller is required (401 with `WWW-Authenticate: Token`), found by
 * the API's passport strategies in Label Studio's order. An unsafe request authenticated by the
 * session cookie must pass the CSRF check. Requests authenticated by a token need none: a browser
 * never adds that header on its own.
 */
@Injectable()
export class ApiAuthGuard extends AuthGuard([...API_STRATEGIES]) {
  constructor(
    private readonly activity: ActivityRecorder,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    super();
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    await super.canActivate(ctx);
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = req.principal as PrincipalDto;
    if (principal.method === 'session' && !SAFE_METHODS.has(req.method)) {
      const failure = csrfFailure(req, this.config.trustedOrigins);
      if (failure) throw new ApiError(403, failure);
    }
    // Label Studio's UpdateLastActivityMiddleware: unsafe requests by an authenticated user.
    if (!SAFE_METHODS.has(req.method)) this.activity.record(principal.userId);
    return true;
  }

  override getAuthenticateOptions(): AuthGuardAuthenticateOptions {
    return { session: false, property: 'principal' };
  }

  override handleRequest<TPrincipal = PrincipalDto>(
    err: unknown,
    principal: PrincipalDto | false,
  ): TPrincipal {
    if (err) throw err;
    if (!principal) throw notAuthenticated();
    return principal as TPrincipal;
  }
}
