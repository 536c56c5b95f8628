import { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import { GatewayConfig } from '../config';

type Header = [name: string, value: string];

/** The origin of LABEL_STUDIO_HOST (avatar URLs are prefixed with it), if it is an absolute URL. */
function publicOrigin(host: string): string[] {
  try {
    return host ? [new URL(host).origin] : [];
  } catch {
    return [];
  }
}

/**
 * Helmet's headers as the gateway configures them. None depends on the request, so helmet runs
 * once, at start-up, and every response gets the headers it set (one loop instead of a dozen
 * middlewares per request).
 */
export function securityHeaders(config: GatewayConfig): Header[] {
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        // The pages load only the gateway's own files: no inline script or style, no eval, no
        // third-party origin. `blob:` images are the profile picture previews.
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // Avatar URLs carry LABEL_STUDIO_HOST when it is set: that origin may serve images too.
        imgSrc: ["'self'", 'data:', 'blob:', ...publicOrigin(config.publicHost)],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // The scripts never write markup from strings; the browser enforces it (Trusted Types).
        requireTrustedTypesFor: ["'script'"],
        trustedTypes: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    // Django's default. Helmet's `no-referrer` would make browsers send `Origin: null` with the
    // site's own form posts, which the origin check then refuses; `same-origin` still sends no
    // address to any other site.
    referrerPolicy: { policy: 'same-origin' },
    // Only meaningful behind TLS, which is also when cookies are marked Secure.
    strictTransportSecurity: config.cookieSecure,
  });
  const headers: Header[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => void headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  let done = false;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously: its headers cannot be computed once');
  return headers;
}

/** Sets the headers on a response. */
export function setHeaders(res: ServerResponse, headers: Header[]): void {
  for (const [name, value] of headers) res.setHeader(name, value);
}
