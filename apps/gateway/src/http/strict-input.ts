import { NextFunction, Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { ApiError } from '../errors/api-error';
import { envelope } from '../errors/http-error.filter';

const JSON_TYPE = 'application/json';
const FORM = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';

/**
 * The body types each path takes, as Label Studio's views parse them: DRF's API views take JSON,
 * forms and multipart; the avatar upload only forms and multipart (its parser_classes); Django's
 * own form views (log-in, sign-up, account, log-out) read `request.POST`: forms and multipart.
 */
const RULES: Array<{ path: RegExp; types: string[] }> = [
  { path: /^\/api\/users\/[^/]+\/avatar\/?$/, types: [MULTIPART, FORM] },
  { path: /^\/api\//, types: [JSON_TYPE, FORM, MULTIPART] },
  { path: /^\/(user\/(login|signup|account)|logout)\/?$/, types: [FORM, MULTIPART] },
];

/** A request carries a body when it says so; an empty one is none (Django's view of it). */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length.trim() !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Refuses, before anything is read or changed, a body of a type the path does not take (415, in
 * Label Studio's words). Paths not listed take no body at all and their handlers ignore one.
 */
export function refuseUnsupportedMedia(req: Request, res: Response, next: NextFunction): void {
  if (!hasBody(req)) return next();
  const rule = RULES.find((candidate) => candidate.path.test(req.path));
  if (!rule || req.is(rule.types)) return next();
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().slice(0, 100);
  res.status(415).json(envelope(new ApiError(415, `Unsupported media type "${type}" in request.`)));
}

/**
 * Multipart bodies of the paths that take them as plain fields (everything but the avatar upload,
 * which reads its file itself): parsed in memory with hard limits; a file part is refused.
 */
export function parseMultipartFields(fieldSizeLimit: number) {
  const parse = multer({
    limits: { files: 0, fields: 100, parts: 100, fieldSize: fieldSizeLimit, headerPairs: 50 },
  }).none();
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!hasBody(req) || !req.is(MULTIPART) || RULES[0].path.test(req.path)) return next();
    parse(req, res, (error: unknown) => {
      if (!error) return next();
      const detail =
        error instanceof MulterError
          ? 'Malformed multipart request: only fields are accepted here.'
          : 'Malformed multipart request.';
      res.status(400).json(envelope(new ApiError(400, detail)));
    });
  };
}
