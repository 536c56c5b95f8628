import { Controller, Get, Header, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { ErrorCode, IdentitySubjects, PrincipalDto, SessionDto } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { Authenticator, SESSION_COOKIE } from '../auth/authenticator';
import { csrfFailure, ensureCsrfCookie } from '../auth/csrf';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { ApiError } from '../errors/api-error';
import { homePage, loginPage, messagePage, signupPage } from './pages';
import { safeNext } from './safe-next';
import { SignupUseCase } from './signup.usecase';
import { STYLESHEET } from './html';

type Form = Record<string, unknown>;

const field = (body: unknown, name: string): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};
const checked = (body: unknown, name: string): boolean => {
  const value = field(body, name).toLowerCase();
  return value === 'on' || value === 'true' || value === '1';
};

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

/** The server-rendered sign-up, log-in and log-out flows at Label Studio's paths. */
@Controller()
export class WebController {
  constructor(
    private readonly bus: BusClient,
    private readonly authenticator: Authenticator,
    private readonly signup: SignupUseCase,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('static/app.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  stylesheet(): string {
    return STYLESHEET;
  }

  @Get('')
  root(@Res() res: Response): void {
    res.redirect(302, '/projects/');
  }

  @Get(['projects', 'projects/'])
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const principal = await this.currentPrincipal(req);
    if (!principal) return res.redirect(302, '/user/login/?next=/projects/');
    this.sendPage(res, 200, homePage({ email: principal.email }));
  }

  @Get(['user/signup', 'user/signup/'])
  async signupForm(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>) {
    if (await this.isLoggedIn(req)) return res.redirect(302, safeNext(query.next));
    const csrf = ensureCsrfCookie(req, res, this.config.cookieSecure);
    this.sendPage(
      res,
      200,
      signupPage({ csrf, action: actionWith('/user/signup/', query), loginHref: '/user/login/' }),
    );
  }

  @Post(['user/signup', 'user/signup/'])
  async signupSubmit(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const csrfProblem = csrfFailure(req);
    if (csrfProblem)
      return this.sendPage(res, 403, messagePage('Forbidden', 'CSRF verification failed. Request aborted.'));
    const csrf = ensureCsrfCookie(req, res, this.config.cookieSecure);
    const email = field(req.body, 'email');
    const action = actionWith('/user/signup/', query);
    const inviteToken = typeof query.token === 'string' ? query.token : undefined;
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
        return this.sendPage(res, 403, messagePage('Signup is restricted', error.message));
      }
      if (error.code === ErrorCode.ValidationFailed || error.code === ErrorCode.Conflict) {
        return this.sendPage(
          res,
          200,
          signupPage({ csrf, action, email, errors: errorsOf(error), loginHref: '/user/login/' }),
        );
      }
      throw error;
    }
  }

  @Get(['user/login', 'user/login/'])
  async loginForm(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>) {
    if (await this.isLoggedIn(req)) return res.redirect(302, safeNext(query.next));
    const csrf = ensureCsrfCookie(req, res, this.config.cookieSecure);
    this.sendPage(
      res,
      200,
      loginPage({ csrf, action: actionWith('/user/login/', query), signupHref: '/user/signup/' }),
    );
  }

  @Post(['user/login', 'user/login/'])
  async loginSubmit(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const csrfProblem = csrfFailure(req);
    if (csrfProblem)
      return this.sendPage(res, 403, messagePage('Forbidden', 'CSRF verification failed. Request aborted.'));
    const csrf = ensureCsrfCookie(req, res, this.config.cookieSecure);
    const email = field(req.body, 'email');
    const action = actionWith('/user/login/', query);
    const render = (status: number, errors: string[]) =>
      this.sendPage(res, status, loginPage({ csrf, action, email, errors, signupHref: '/user/signup/' }));
    try {
      const { session } = await this.bus.request(IdentitySubjects.login, {
        email,
        password: field(req.body, 'password'),
        persistent: checked(req.body, 'persist_session'),
        clientIp: req.ip,
      });
      // A new session id at every login; the one the browser had is ended.
      await this.revokeCurrentSession(req);
      this.setSessionCookie(res, session);
      res.redirect(302, safeNext(query.next));
    } catch (error) {
      if (!(error instanceof BusError)) throw error;
      switch (error.code) {
        case ErrorCode.LoginFailed:
        case ErrorCode.ValidationFailed:
          return render(200, errorsOf(error));
        case ErrorCode.RateLimited:
          res.setHeader('Retry-After', String(error.retryAfter ?? 60));
          return render(429, [error.message]);
        default:
          throw error;
      }
    }
  }

  @Get(['logout', 'logout/'])
  async logout(@Req() req: Request, @Res() res: Response) {
    if (!(await this.isLoggedIn(req))) return res.redirect(302, '/user/login/?next=/logout');
    await this.revokeCurrentSession(req);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(302, this.config.publicHost ? `${this.config.publicHost}/` : '/');
  }

  private async currentPrincipal(req: Request): Promise<PrincipalDto | null> {
    try {
      return (await this.authenticator.authenticate(req))?.principal ?? null;
    } catch (error) {
      // A bad token header on a page request just means "not logged in"; an outage is still an error.
      if (error instanceof ApiError) return null;
      if (error instanceof BusError && error.code === ErrorCode.Unauthenticated) return null;
      throw error;
    }
  }

  private async isLoggedIn(req: Request): Promise<boolean> {
    return (await this.currentPrincipal(req)) !== null;
  }

  private async revokeCurrentSession(req: Request): Promise<void> {
    const key: unknown = req.cookies?.[SESSION_COOKIE];
    if (typeof key === 'string' && key.length > 0 && key.length <= 128) {
      await this.bus.request(IdentitySubjects.logout, { key });
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

  private sendPage(res: Response, status: number, body: string): void {
    res.status(status).type('html').setHeader('Cache-Control', 'no-store');
    res.send(body);
  }
}
