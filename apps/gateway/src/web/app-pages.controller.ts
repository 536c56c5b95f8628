import { Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { z } from 'zod';
import { AvatarFiles, AvatarLimitsDto, PrincipalDto, ProfilesSubjects } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { UserJson } from '@app/representation';
import { ActivityRecorder } from '../activity/activity-recorder';
import { csrfFailure, ensureCsrfCookie } from '../auth/csrf';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { charField, fieldErrors } from '../http/input';
import { UserDirectory } from '../users/user-directory';
import { accountPage, messagePage, peoplePage, projectsPage } from './pages';
import { StaticAssets } from './static-assets';
import { sendPage, WebSession } from './web-session';

/** What the Account & Settings form posts when script is off (Label Studio's form fields). */
const accountForm = z.object({
  first_name: charField().default(''),
  last_name: charField().default(''),
  phone: charField().default(''),
});

const DEFAULT_AVATAR_LIMITS: AvatarLimitsDto = {
  maxWidth: 512,
  maxHeight: 512,
  maxBytes: AvatarFiles.maxBytes,
};

const FIELD_LABELS: Record<string, string> = {
  first_name: 'First name',
  last_name: 'Last name',
  phone: 'Phone',
};

/**
 * The signed-in pages: server-rendered shells with the navigation, filled and driven by small
 * scripts from /static that call the JSON API. Anonymous visitors are sent to log in first.
 */
@Controller()
export class AppPagesController {
  constructor(
    private readonly bus: BusClient,
    private readonly session: WebSession,
    private readonly directory: UserDirectory,
    private readonly assets: StaticAssets,
    private readonly activity: ActivityRecorder,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('')
  root(@Res() res: Response): void {
    res.redirect(302, '/projects/');
  }

  @Get(['projects', 'projects/'])
  async projects(@Req() req: Request, @Res() res: Response): Promise<void> {
    const principal = await this.session.required(req, res);
    if (!principal) return;
    const me = await this.directory.renderSelf(principal);
    const csrf = ensureCsrfCookie(req, res, this.config.cookieSecure);
    sendPage(res, 200, projectsPage(this.assets, me, csrf));
  }

  @Get(['people', 'people/'])
  async people(@Req() req: Request, @Res() res: Response): Promise<void> {
    const principal = await this.session.required(req, res);
    if (!principal) return;
    const me = await this.directory.renderSelf(principal);
    const csrf = ensureCsrfCookie(req, res, this.config.cookieSecure);
    if (me.active_organization === null) {
      return sendPage(
        res,
        200,
        messagePage(this.assets, 'People', 'You are not a member of any organization.'),
      );
    }
    const organization = { id: me.active_organization, title: me.active_organization_meta.title };
    sendPage(res, 200, peoplePage(this.assets, me, organization, csrf));
  }

  /** Label Studio's sub pages (`personal-info`, `legacy-token`, …) all show the one account page. */
  @Get(['user/account', 'user/account/', 'user/account/:section', 'user/account/:section/'])
  async account(
    @Req() req: Request,
    @Res() res: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    const principal = await this.session.required(req, res);
    if (!principal) return;
    const me = await this.directory.renderSelf(principal);
    const csrf = ensureCsrfCookie(req, res, this.config.cookieSecure);
    const limits = await this.avatarLimits();
    sendPage(res, 200, accountPage(this.assets, { user: me, csrf, limits, saved: query.saved === '1' }));
  }

  /** Without script the form posts here (Label Studio's POST /user/account/); a redirect follows. */
  @Post(['user/account', 'user/account/'])
  async saveAccount(@Req() req: Request, @Res() res: Response): Promise<void> {
    const principal = await this.session.required(req, res);
    if (!principal) return;
    const csrf = ensureCsrfCookie(req, res, this.config.cookieSecure);
    if (csrfFailure(req, this.config.trustedOrigins)) {
      return sendPage(
        res,
        403,
        messagePage(this.assets, 'Forbidden', 'CSRF verification failed. Request aborted.'),
      );
    }
    // An unsafe request by a signed-in person, like any through the API (Label Studio's middleware).
    this.activity.record(principal.userId);
    const parsed = accountForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      const errors = Object.entries(fieldErrors(parsed.error)).flatMap(([name, messages]) =>
        messages.map((message) => `${FIELD_LABELS[name] ?? name}: ${message}`),
      );
      return this.renderAccount(res, principal, csrf, errors);
    }
    try {
      await this.bus.request(
        ProfilesSubjects.updateProfile,
        {
          userId: principal.userId,
          firstName: parsed.data.first_name,
          lastName: parsed.data.last_name,
          phone: parsed.data.phone,
        },
        { caller: principal.userId },
      );
    } catch (error) {
      if (!(error instanceof BusError) || !error.fields) throw error;
      return this.renderAccount(res, principal, csrf, Object.values(error.fields).flat());
    }
    res.redirect(303, '/user/account/?saved=1');
  }

  /** The limits profiles applies (configurable); the seed's 512 x 512 if it cannot say now. */
  private async avatarLimits(): Promise<AvatarLimitsDto> {
    try {
      return await this.bus.request(ProfilesSubjects.avatarLimits, {});
    } catch {
      return DEFAULT_AVATAR_LIMITS;
    }
  }

  private async renderAccount(res: Response, principal: PrincipalDto, csrf: string, errors: string[]) {
    const me: UserJson = await this.directory.renderSelf(principal);
    sendPage(
      res,
      400,
      accountPage(this.assets, { user: me, csrf, limits: await this.avatarLimits(), errors }),
    );
  }
}
