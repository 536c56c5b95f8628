import { Controller, Get, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { Request, Response } from 'express';
import { ErrorCode, IdentitySubjects, InvitationsSubjects, SessionDto } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { SESSION_COOKIE, sessionCookie } from '../auth/credentials';
import { LoginGuard, LoginRequest } from '../auth/login.guard';
import { csrfFailure, ensureCsrfCookie } from '../auth/csrf';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { ApiError } from '../errors/api-error';
import { checked, field } from './form-fields';
import { loginPage, logoutPage, messagePage, signupPage } from './pages';
import { safeNext } from './safe-next';
import { SignupUseCase } from './signup.usecase';
import { StaticAssets } from './static-assets';
import { sendPage, WebSession } from './web-session';
import { GatewayReadModel } from '../read-model/gateway-read-model';
import { EdgeThrottle } from '../throttle/edge-throttle';

/** Query parameters carried from a page to its form action (`token`, `next`). */
function actionWith(path: string, query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const name of ['token', 'next']) {
    const value = query[name];
    if (typeof value === 'string' && value.length <= 2048) params.set(name, value);
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function errorsOf(error: BusError): string[] {
  if (error.fields) return Object.values(error.fields).flat();
  return [error.message];
}

/** Clearer words for the signup restriction than the policy's terse reasons. */
export function signupRefusal(inviteTokenGiven: boolean): string {
  return inviteTokenGiven
    ? 'This invitation link is not valid: it may have been reset. Ask the person who invited you for a new link.'
    : 'Signing up needs an invitation link. Ask someone in your organization to send you one (People, then + Add People).';
}

/** The server-rendered sign-up, log-in and log-out flows at Label Studio's paths. */
@Controller()
export class WebController {
  constructor(
    private readonly bus: BusClient,
    private readonly model: GatewayReadModel,
    private readonly session: WebSession,
    private readonly signup: SignupUseCase,
    private readonly assets: StaticAssets,
    private readonly throttle: EdgeThrottle,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get(['user/signup', 'user/signup/'])
  async signupForm(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>) {
    if (await this.session.principal(req)) return res.redirect(302, safeNext(query.next));
    const csrf = ensureCsrfCookie(req, res, this.config.cookieSecure);
    const inviteToken = typeof query.token === 'string' ? query.token : undefined;
    sendPage(
      res,
      200,
      signupPage(this.assets, {
        csrf,
        action: actionWith('/user/signup/', query),
        loginHref: actionWith('/user/login/', { next: query.next }),
        notice: await this.signupNotice(inviteToken, EdgeThrottle.clientOf(req.ip)),
      }),
    );
  }

  @Post(['user/signup', 'user/signup/'])
  async signupSubmit(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const csrfProblem = csrfFailure(req, this.config.trustedOrigins);
    if (csrfProblem)
      return sendPage(
        res,
        403,
        messagePage(this.assets, 'Forbidden', 'CSRF verification failed. Request aborted.'),
      );
    const csrf = ensureCsrfCookie(req, res, this.config.cookieSecure);
    const email = field(req.body, 'email');
    const action = actionWith('/user/signup/', query);
    const loginHref = actionWith('/user/login/', { next: query.next });
    const inviteToken = typeof query.token === 'string' ? query.token : undefined;
    const client = EdgeThrottle.clientOf(req.ip);
    try {
      await this.throttle.hit('signup', client);
      if (inviteToken) await this.throttle.check('inviteGuess', client);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      return sendPage(
        res,
        error.status,
        signupPage(this.assets, { csrf, action, email, errors: [error.detail], loginHref }),
      );
    }
    try {
      const { session } = await this.signup.execute({
        email,
        password: field(req.body, 'password'),
        allowNewsletters: checked(req.body, 'allow_newsletters') ? true : null,
        inviteToken,
        clientIp: req.ip,
      });
      if (session) this.setSessionCookie(res, session);
      res.redirect(302, safeNext(query.next));
    } catch (error) {
      if (!(error instanceof BusError)) throw error;
      if (error.code === ErrorCode.SignupForbidden) {
        if (inviteToken) await this.throttle.fail('inviteGuess', client);
        // Label Studio answers 403; the page says why and what to do.
        const errors = [signupRefusal(inviteToken !== undefined && inviteToken !== '')];
        return sendPage(res, 403, signupPage(this.assets, { csrf, action, email, errors, loginHref }));
      }
      if (error.code === ErrorCode.ValidationFailed || error.code === ErrorCode.Conflict) {
        return sendPage(
          res,
          200,
          signupPage(this.assets, { csrf, action, email, errors: errorsOf(error), loginHref }),
        );
      }
      throw error;
    }
  }

  @Get(['user/login', 'user/login/'])
  async loginForm(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>) {
    if (await this.session.principal(req)) return res.redirect(302, safeNext(query.next));
    const csrf = ensureCsrfCookie(req, res, this.config.cookieSecure);
    sendPage(
      res,
      200,
      loginPage(this.assets, {
        csrf,
        action: actionWith('/user/login/', query),
        signupHref: actionWith('/user/signup/', { next: query.next }),
      }),
    );
  }

  /** The password is checked by the `local` strategy (`LoginGuard`); this answers its outcome. */
  @Post(['user/login', 'user/login/'])
  @UseGuards(LoginGuard)
  async loginSubmit(@Req() req: LoginRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const outcome = req.loginOutcome;
    if (!outcome) throw new Error('loginSubmit reached without LoginGuard');
    if (outcome.kind === 'forbidden')
      return sendPage(
        res,
        403,
        messagePage(this.assets, 'Forbidden', 'CSRF verification failed. Request aborted.'),
      );
    const csrf = ensureCsrfCookie(req, res, this.config.cookieSecure);
    if (outcome.kind === 'signed-in') {
      // A new session id at every login; the one the browser had is ended.
      await this.revokeCurrentSession(req);
      this.setSessionCookie(res, outcome.session);
      return res.redirect(302, safeNext(query.next));
    }
    const { error } = outcome;
    const page = (status: number, errors: string[]) =>
      sendPage(
        res,
        status,
        loginPage(this.assets, {
          csrf,
          action: actionWith('/user/login/', query),
          email: field(req.body, 'email'),
          errors,
          signupHref: actionWith('/user/signup/', { next: query.next }),
        }),
      );
    if (error.code !== ErrorCode.RateLimited) return page(200, errorsOf(error));
    res.setHeader('Retry-After', String(error.retryAfter ?? 60));
    return page(429, [error.message]);
  }

  /**
   * Label Studio logs out on this GET, so any page could log a visitor out with a link or an
   * image. Here it changes nothing: it shows one button that logs out by POST.
   */
  @Get(['logout', 'logout/'])
  async logoutForm(@Req() req: Request, @Res() res: Response) {
    if (!(await this.session.principal(req))) return res.redirect(302, '/user/login/?next=/logout');
    sendPage(res, 200, logoutPage(this.assets, ensureCsrfCookie(req, res, this.config.cookieSecure)));
  }

  @Post(['logout', 'logout/'])
  async logout(@Req() req: Request, @Res() res: Response) {
    if (csrfFailure(req, this.config.trustedOrigins)) {
      return sendPage(
        res,
        403,
        messagePage(this.assets, 'Forbidden', 'CSRF verification failed. Request aborted.'),
      );
    }
    if (!(await this.session.principal(req))) return res.redirect(302, '/user/login/');
    await this.revokeCurrentSession(req);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(302, this.config.publicHost ? `${this.config.publicHost}/` : '/');
  }

  /**
   * Tells a visitor up front when the form will refuse them (signup restricted and no link, or a
   * link that was reset). Only a hint: the decision is made again on POST, and if invitations
   * cannot answer now the page simply shows no hint.
   */
  private async signupNotice(inviteToken: string | undefined, client: string): Promise<string | undefined> {
    // A link is a secret: trying links on this page is guessing like any other, and counted so.
    try {
      if (inviteToken) await this.throttle.check('inviteGuess', client);
    } catch (error) {
      if (error instanceof ApiError) return error.detail;
      throw error;
    }
    try {
      await this.bus.request(InvitationsSubjects.authorizeSignup, { inviteToken }, { timeoutMs: 1500 });
      return undefined;
    } catch (error) {
      if (error instanceof BusError && error.code === ErrorCode.SignupForbidden) {
        if (inviteToken) await this.throttle.fail('inviteGuess', client);
        return signupRefusal(inviteToken !== undefined && inviteToken !== '');
      }
      return undefined;
    }
  }

  private async revokeCurrentSession(req: Request): Promise<void> {
    const key = sessionCookie(req);
    if (key !== undefined) {
      await this.bus.request(IdentitySubjects.logout, { key });
      // Dead on this replica before the answer leaves; the others learn it from identity's model.
      this.model.revokeSession(key);
    }
  }

  private setSessionCookie(res: Response, session: SessionDto): void {
    res.cookie(SESSION_COOKIE, session.key, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.cookieSecure,
      path: '/',
      ...(session.persistent ? { expires: new Date(session.expiresAt) } : {}),
    });
  }
}
