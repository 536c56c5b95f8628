import { NextFunction, Request, Response } from 'express';
import { envelope } from '../errors/http-error.filter';
import { notFound } from '../errors/api-error';

/**
 * Label Studio's routes defined without a trailing slash do not accept one (its
 * append-slash middleware only adds slashes). Express matches both forms, so the slash form of
 * these paths is refused here; slash-terminated routes are declared in both forms.
 */
const SLASHLESS_ONLY =
  /^\/api\/(current-user\/(whoami|token)|invite|invite\/reset-token|organizations\/[^/]+|organizations\/[^/]+\/memberships|jwt\/settings)\/$/;

export function refuseTrailingSlash(req: Request, res: Response, next: NextFunction): void {
  const path = req.path;
  if (path.endsWith('/') && SLASHLESS_ONLY.test(path)) {
    res.status(404).json(envelope(notFound()));
    return;
  }
  next();
}
