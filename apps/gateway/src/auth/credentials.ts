import { IncomingMessage } from 'node:http';
import { Request } from 'express';
import { ApiError } from '../errors/api-error';

/** Django's session cookie name, so Label Studio's front end and scripts keep working. */
export const SESSION_COOKIE = 'sessionid';

export const LEGACY_DISABLED =
  'Authentication token no longer valid: legacy token authentication has been disabled for this organization';

/** DRF's 401 for a token that does not authenticate: `WWW-Authenticate: Token`, as Label Studio sends. */
export const unauthorized = (detail: string) =>
  new ApiError(401, detail, undefined, { 'WWW-Authenticate': 'Token' });

/** What a request's `X-Api-Key` or `Authorization` header offers. */
export type TokenHeader =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'token'; key: string }
  | { kind: 'refused'; detail: string };
const NO_TOKEN: TokenHeader = { kind: 'none' };
const refused = (detail: string): TokenHeader => ({ kind: 'refused', detail });

/** A JWT-shaped value: three base64url parts whose first decodes to a JSON header. */
export function looksLikeJwt(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && 'alg' in header;
  } catch {
    return false;
  }
}

/**
 * The credential of a request's headers, in Label Studio's order: `X-Api-Key` stands in for
 * `Authorization` (an access token as `Bearer`, anything else as `Token`); `Bearer` with an access
 * token; `Token` with a key (refused outright when malformed, or when legacy tokens are off for the
 * whole deployment). Any other scheme is no credential: the session cookie may still authenticate.
 */
export function tokenHeader(req: IncomingMessage, legacyTokenAuth: boolean): TokenHeader {
  const authorization = authorizationHeader(req);
  if (authorization === undefined) return NO_TOKEN;
  const parts = authorization.trim().split(/\s+/);
  const scheme = parts[0]?.toLowerCase();
  if (scheme === 'bearer' && parts.length === 2 && looksLikeJwt(parts[1])) {
    return { kind: 'bearer', token: parts[1] };
  }
  if (scheme !== 'token') return NO_TOKEN;
  if (parts.length === 1) return refused('Invalid token header. No credentials provided.');
  if (parts.length > 2) return refused('Invalid token header. Token string should not contain spaces.');
  if (!legacyTokenAuth) return refused(LEGACY_DISABLED);
  return { kind: 'token', key: parts[1] };
}

function authorizationHeader(req: IncomingMessage): string | undefined {
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) {
    return looksLikeJwt(apiKey) ? `Bearer ${apiKey}` : `Token ${apiKey}`;
  }
  const header = req.headers.authorization;
  return typeof header === 'string' ? header : undefined;
}

/** The session key the request's cookie carries, when it could be one. */
export function sessionCookie(req: Request): string | undefined {
  const key: unknown = req.cookies?.[SESSION_COOKIE];
  return typeof key === 'string' && key.length > 0 && key.length <= 128 ? key : undefined;
}
