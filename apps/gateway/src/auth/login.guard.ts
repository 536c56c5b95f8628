import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AuthGuard, AuthGuardAuthenticateOptions } from '@nestjs/passport';
import { Request } from 'express';
import { ErrorCode, LOGIN_FAILED_MESSAGE, SessionDto } from '@app/contracts';
import { BusError } from '@app/bus';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { csrfFailure } from './csrf';

/** How a log-in form submission ended, for the page to answer. */
export type LoginOutcome =
  | { kind: 'signed-in'; session: SessionDto }
  /** The form's CSRF check failed: no password was checked. */
  | { kind: 'forbidden' }
  /** Wrong or missing credentials, a rate limit: shown on the form. */
  | { kind: 'refused'; error: BusError };

export type LoginRequest = Request & { loginOutcome?: LoginOutcome };

const FORM_REFUSALS = new Set([ErrorCode.LoginFailed, ErrorCode.ValidationFailed, ErrorCode.RateLimited]);

/**
 * The log-in form through the `local` strategy. The CSRF check comes first, so a cross-site post
 * costs no password hash. A refusal is not an exception here: the page shows it on the form (see
 * `LoginOutcome`); anything else (identity or the bus down) is the usual error answer.
 */
@Injectable()
export class LoginGuard extends AuthGuard('local') {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    super();
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<LoginRequest>();
    if (csrfFailure(req, this.config.trustedOrigins)) req.loginOutcome = { kind: 'forbidden' };
    else await super.canActivate(ctx);
    return true;
  }

  override getAuthenticateOptions(): AuthGuardAuthenticateOptions {
    return { session: false, property: 'loginOutcome' };
  }

  override handleRequest<TOutcome = LoginOutcome>(err: unknown, session: SessionDto | false): TOutcome {
    let outcome: LoginOutcome;
    if (err instanceof BusError && FORM_REFUSALS.has(err.code)) outcome = { kind: 'refused', error: err };
    else if (err) throw err;
    // A field missing from the form: refused as identity refuses a blank one.
    else if (!session)
      outcome = { kind: 'refused', error: new BusError(ErrorCode.LoginFailed, LOGIN_FAILED_MESSAGE) };
    else outcome = { kind: 'signed-in', session };
    return outcome as TOutcome;
  }
}
