import { Injectable } from '@nestjs/common';
import { Request, Response } from 'express';
import { ErrorCode, PrincipalDto } from '@app/contracts';
import { BusError } from '@app/bus';
import { Authenticator } from '../auth/authenticator';
import { ApiError } from '../errors/api-error';

/** Who is looking at a page: the pages' side of authentication (no 401s, redirects instead). */
@Injectable()
export class WebSession {
  constructor(private readonly authenticator: Authenticator) {}

  async principal(req: Request): Promise<PrincipalDto | null> {
    try {
      return await this.authenticator.authenticate(req);
    } catch (error) {
      // A bad token header on a page request just means "not logged in"; an outage is still an error.
      if (error instanceof ApiError) return null;
      if (error instanceof BusError && error.code === ErrorCode.Unauthenticated) return null;
      throw error;
    }
  }

  /**
   * The principal of a login-required page, or null after redirecting to the log-in page, which
   * comes back here afterwards.
   */
  async required(req: Request, res: Response): Promise<PrincipalDto | null> {
    const principal = await this.principal(req);
    if (principal) return principal;
    const here = req.originalUrl.length <= 2048 ? req.originalUrl : req.path;
    res.redirect(302, `/user/login/?next=${encodeURIComponent(here)}`);
    return null;
  }
}

/** A server-rendered page: HTML, never cached (it shows who is logged in). */
export function sendPage(res: Response, status: number, body: string): void {
  res.status(status).type('html').setHeader('Cache-Control', 'no-store');
  res.send(body);
}
