import { Injectable } from '@nestjs/common';
import { Request } from 'express';
import passport from 'passport';
import { PrincipalDto } from '@app/contracts';

/**
 * The API's passport strategies, in Label Studio's order: `Bearer` (an access token; a bad one
 * falls through), `Token` (a bad one is a 401 at once), then the session cookie. `X-Api-Key`
 * stands in for `Authorization` in the first two (see `credentials.ts`).
 */
export const API_STRATEGIES = ['bearer', 'token', 'session-cookie'] as const;

/**
 * Who is calling, for a handler that must know without requiring anyone (pages, which redirect
 * instead of answering 401; token revocation, where any caller may name a token): the same
 * strategies as `ApiAuthGuard`, run by passport. Resolves null for an anonymous request; rejects
 * as the guard would for a bad token or an outage.
 */
@Injectable()
export class Authenticator {
  authenticate(req: Request): Promise<PrincipalDto | null> {
    return new Promise((resolve, reject) => {
      const run = passport.authenticate(
        [...API_STRATEGIES],
        { session: false },
        (err: unknown, principal: PrincipalDto | false) => {
          if (err) reject(err instanceof Error ? err : new Error(String(err)));
          else resolve(principal || null);
        },
      ) as (req: Request, res: unknown, next: (err?: unknown) => void) => void;
      run(req, req.res, (err) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(null),
      );
    });
  }
}
