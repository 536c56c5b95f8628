import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Request, Response } from 'express';
import { crossSiteFailure } from './origin-check';

/** Django's names, so Label Studio's front end and scripts keep working. */
export const CSRF_COOKIE = 'csrftoken';
export const CSRF_HEADER = 'x-csrftoken';
export const CSRF_FIELD = 'csrfmiddlewaretoken';

const TOKEN = /^[A-Za-z0-9_-]{32,64}$/;

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** The request's CSRF cookie, issuing one when absent; returns the value to embed in forms. */
export function ensureCsrfCookie(req: Request, res: Response, secure: boolean): string {
  const existing: unknown = req.cookies?.[CSRF_COOKIE];
  if (typeof existing === 'string' && TOKEN.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  res.cookie(CSRF_COOKIE, token, { sameSite: 'lax', secure, path: '/', maxAge: 365 * 24 * 3600 * 1000 });
  return token;
}

/**
 * The one check of every unsafe request a browser may send with its cookies (API calls
 * authenticated by the session, the log-in, sign-up, account and log-out forms): first the origin
 * (`origin-check.ts`), then the double-submit token — the cookie must equal the header or form
 * field; a cross-site page can make the browser send the cookie but cannot read it to echo it back.
 */
export function csrfFailure(req: Request, trusted: ReadonlySet<string>): string | undefined {
  const crossSite = crossSiteFailure(req, trusted);
  if (crossSite) return crossSite;
  const cookie: unknown = req.cookies?.[CSRF_COOKIE];
  if (typeof cookie !== 'string' || !TOKEN.test(cookie)) return 'CSRF Failed: CSRF cookie not set.';
  const header = req.headers[CSRF_HEADER];
  const body: unknown = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  const submitted = typeof header === 'string' ? header : typeof body === 'string' ? body : undefined;
  if (!submitted) return 'CSRF Failed: CSRF token missing.';
  const a = Buffer.from(cookie);
  const b = Buffer.from(submitted);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'CSRF Failed: CSRF token incorrect.';
  return undefined;
}
