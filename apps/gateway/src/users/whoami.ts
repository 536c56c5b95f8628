import { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { acceptCorrelationId } from '@app/logging';
import { httpRequestDuration } from '@app/metrics';
import { ALL_PERMISSIONS, UserJson } from '@app/representation';
import { TokenStrategy } from '../auth/strategies/token.strategy';
import { UserDirectory } from './user-directory';

/** Label Studio's `whoami`: the user and every permission (the community edition grants all). */
export const whoamiBody = (user: UserJson) => ({ ...user, permissions: ALL_PERMISSIONS });

const WHOAMI = '/api/current-user/whoami';

/**
 * `GET /api/current-user/whoami` with a token the read model knows, answered before Express and
 * Nest see the request: the call every SDK client and labeling backend makes, over and over. It
 * answers exactly what the route answers (same body, security headers, request id, access line
 * and request metric), and only when memory alone can: any other request (no token, a refused or
 * unknown one, a caller whose profile or organization the model lacks, a stale model) goes on to
 * the route, which authenticates, asks the owners and shapes errors as for any request. Whatever
 * the gateway adds to every request (a global guard, a limit) must be added here too.
 */
export function whoamiFromMemory(
  tokens: TokenStrategy,
  directory: UserDirectory,
  headers: Array<[string, string]>,
) {
  // Every header but the request id and the length, as one flat list handed to writeHead: cheaper
  // than a setHeader call per header, each of which validates and stores its header again.
  const fixed = [
    ...headers.flat(),
    'Content-Type',
    'application/json; charset=utf-8',
    // Personal data, as on every other route (noStoreByDefault).
    'Cache-Control',
    'no-store',
  ];
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = req.url ?? '';
    if (
      req.method !== 'GET' ||
      !url.startsWith(WHOAMI) ||
      (url.length > WHOAMI.length && url[WHOAMI.length] !== '?')
    ) {
      return next();
    }
    const started = process.hrtime.bigint();
    const caller = tokens.fromMemory(req);
    const user = caller && directory.renderSelfFromMemory(caller);
    if (!user) return next();
    const body = JSON.stringify(whoamiBody(user));
    const id = acceptCorrelationId(req.headers['x-request-id']);
    (req as IncomingMessage & { id?: string }).id = id;
    res.writeHead(200, [...fixed, 'X-Request-Id', id, 'Content-Length', String(Buffer.byteLength(body))]);
    res.end(body);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // Recorded as the route would be (its pattern is the path).
    httpRequestDuration.observe({ method: 'GET', route: WHOAMI, status: '200' }, seconds);
    const log = PinoLogger.root;
    if (log?.isLevelEnabled('info')) {
      log.info({ req, res, responseTime: Math.round(seconds * 1000) }, 'request completed');
    }
  };
}
