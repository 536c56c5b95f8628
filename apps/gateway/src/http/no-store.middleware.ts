import { NextFunction, Request, Response } from 'express';

/**
 * Nothing the gateway answers may be kept by a browser or a proxy unless its handler says so:
 * tokens, session cookies, invitation links, people's names and emails travel in these bodies.
 * Only the public, content-addressed files set their own caching (static assets; avatar images,
 * with their validators).
 */
export function noStoreByDefault(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
