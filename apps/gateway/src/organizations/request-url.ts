import { Request } from 'express';

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Django's `build_absolute_uri()`: scheme and Host of the request (Express honours
 * X-Forwarded-Proto only behind trusted proxies), path and query as sent. A Host header that is
 * not a host name is not echoed into links.
 */
export function absoluteRequestUrl(req: Request): URL {
  const header = req.headers.host ?? '';
  const host = HOST.test(header) ? header : 'localhost';
  return new URL(req.originalUrl, `${req.protocol}://${host}`);
}
