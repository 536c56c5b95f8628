import { Request } from 'express';

/**
 * The origins trusted besides the site itself: `CSRF_TRUSTED_ORIGINS` (Django's name) and the
 * origin of LABEL_STUDIO_HOST when it is an absolute URL.
 */
export function trustedOrigins(configured: readonly string[], publicHost: string): ReadonlySet<string> {
  const origins = new Set(configured);
  try {
    if (publicHost) origins.add(new URL(publicHost).origin);
  } catch {
    // A relative LABEL_STUDIO_HOST names no other origin.
  }
  return origins;
}

/** `scheme://host[:port]` of a URL, or null when it has none (`null`, garbage). */
function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * Django's origin verification for an unsafe request that a browser may have sent with its
 * cookies: `Origin` (or, without it, `Referer`) must be this site — its scheme and host as the
 * client used them, through `TRUST_PROXY_HOPS` proxies — or a trusted origin. A request with
 * neither header is not a browser's cross-site request (browsers send `Origin` on every
 * cross-origin POST); behind TLS Django still insists on a `Referer`, and so does this.
 */
export function crossSiteFailure(req: Request, trusted: ReadonlySet<string>): string | undefined {
  const site = originOf(`${req.protocol}://${req.get('host') ?? ''}`);
  const allowed = (origin: string | null) => origin !== null && (origin === site || trusted.has(origin));
  const origin = req.headers.origin;
  if (typeof origin === 'string') {
    return allowed(originOf(origin))
      ? undefined
      : `CSRF Failed: Origin checking failed - ${origin} does not match any trusted origins.`;
  }
  const referer = req.headers.referer;
  if (typeof referer === 'string') {
    return allowed(originOf(referer))
      ? undefined
      : 'CSRF Failed: Referer checking failed - Referer does not match any trusted origins.';
  }
  return req.secure ? 'CSRF Failed: Referer checking failed - no Referer.' : undefined;
}
