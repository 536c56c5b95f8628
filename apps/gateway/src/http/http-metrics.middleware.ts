import { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from '@app/metrics';

/**
 * Times every request and records it by the route's pattern (`/api/users/:pk`, never the raw path,
 * so ids and tokens never become labels); requests no route matched are `unmatched`.
 */
export function recordHttpMetrics(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const route = (req.route as { path?: unknown } | undefined)?.path;
    httpRequestDuration.observe(
      {
        method: req.method,
        route: typeof route === 'string' ? route : 'unmatched',
        status: String(res.statusCode),
      },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
  });
  next();
}
